import { z } from 'zod';
import { channel, requires } from '../rpc/define';
import { roleSchema } from '../rpc/permissions';
import { localeSchema, passwordSchema, usernameSchema } from './auth';

export const userSummarySchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  locked: z.boolean(),
  lockedUntil: z.number().nullable(),
  lastSignInAt: z.number().nullable(),
  createdAt: z.number(),
  locale: localeSchema,
});
export type UserSummary = z.infer<typeof userSummarySchema>;

export const displayNameMaxLength = 64;
export const displayNameSchema = z.string().trim().min(1, 'Display name is required').max(displayNameMaxLength);

export const usersContract = {
  'users:list': channel({
    input: z.object({}),
    output: z.array(userSummarySchema),
    access: requires('users:manage'),
    doc: 'Every operator account.',
  }),
  'users:create': channel({
    input: z.object({
      username: usernameSchema,
      displayName: displayNameSchema,
      role: roleSchema,
      password: passwordSchema,
    }),
    output: userSummarySchema,
    access: requires('users:manage'),
    doc: 'Create an operator account; the operator must change the password at first sign-in.',
  }),
  'users:update': channel({
    input: z.object({
      id: z.number().int(),
      displayName: displayNameSchema.optional(),
      role: roleSchema.optional(),
      disabled: z.boolean().optional(),
      unlock: z.boolean().optional(),
    }),
    output: userSummarySchema,
    access: requires('users:manage'),
    doc: 'Change an account’s name, role, disabled state, or clear its lock.',
  }),
  'users:reset-password': channel({
    input: z.object({ id: z.number().int(), password: passwordSchema }),
    output: userSummarySchema,
    access: requires('users:manage'),
    doc: 'Set a new password; the operator must change it at next sign-in.',
  }),
};
