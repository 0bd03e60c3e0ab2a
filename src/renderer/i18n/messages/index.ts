import { authMessages } from './auth';
import { commonMessages } from './common';
import { portfolioMessages } from './portfolio';
import { settingsMessages } from './settings';

/** Every UI string; each capability adds its own file and spreads it here. */
export const messages = {
  ...commonMessages,
  ...authMessages,
  ...portfolioMessages,
  ...settingsMessages,
};

export type MessageKey = keyof typeof messages;
