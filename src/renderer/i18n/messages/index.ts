import { auditMessages } from './audit';
import { authMessages } from './auth';
import { findingMessages } from './findings';
import { reviewMessages } from './review';
import { reviewEvidenceMessages } from './review-evidence';
import { reportsMessages } from './reports';
import { rulesMessages } from './rules';
import { commonMessages } from './common';
import { errorMessages } from './errors';
import { portfolioMessages } from './portfolio';
import { settingsMessages } from './settings';
import { syncMessages } from './sync';
import { teamMessages } from './team';

/** Every UI string; each capability adds its own file and spreads it here. */
export const messages = {
  ...commonMessages,
  ...errorMessages,
  ...authMessages,
  ...reviewMessages,
  ...reviewEvidenceMessages,
  ...findingMessages,
  ...portfolioMessages,
  ...settingsMessages,
  ...syncMessages,
  ...reportsMessages,
  ...auditMessages,
  ...rulesMessages,
  ...teamMessages,
};

export type MessageKey = keyof typeof messages;
