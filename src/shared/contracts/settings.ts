import { z } from 'zod';
import { domainSettingsPatchSchema, domainSettingsSchema } from '../domain/settings';
import { channel, requires, signedIn } from '../rpc/define';

/** Business settings of the domain rules, stored under the 'domain' key. */
export const settingsContract = {
  'settings:get-domain': channel({
    input: z.object({}),
    output: domainSettingsSchema,
    access: signedIn,
    doc: 'The business settings behind the domain rules (grace days, APR thresholds, face bands...).',
  }),
  'settings:set-domain': channel({
    input: z.object({ settings: domainSettingsPatchSchema }),
    output: domainSettingsSchema,
    access: requires('settings:manage'),
    doc: 'Change business settings (missing keys keep their value, unknown keys are refused); derived data is recomputed.',
  }),
};
