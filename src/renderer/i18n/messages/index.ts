import { authMessages } from './auth';
import { commonMessages } from './common';
import { settingsMessages } from './settings';

/** Every UI string; each capability adds its own file and spreads it here. */
export const messages = {
  ...commonMessages,
  ...authMessages,
  ...settingsMessages,
};

export type MessageKey = keyof typeof messages;
