import { z } from 'zod';
import { channel, publicAccess, requires, signedIn } from '../rpc/define';
import { permissionSchema, roleSchema } from '../rpc/permissions';

export const locales = ['zh-CN', 'en'] as const;
export const localeSchema = z.enum(locales);
export type Locale = z.infer<typeof localeSchema>;

export const usernameSchema = z
  .string()
  .trim()
  .min(2, 'Username needs at least 2 characters')
  .max(32, 'Username is at most 32 characters')
  .regex(/^[a-z0-9._-]+$/, 'Username may contain lower-case letters, digits, dot, dash and underscore');

/** Passwords: long enough to resist guessing, short enough to keep scrypt cheap. */
export const passwordSchema = z
  .string()
  .min(10, 'Password needs at least 10 characters')
  .max(200, 'Password is at most 200 characters');

export const operatorSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  permissions: z.array(permissionSchema),
  locale: localeSchema,
  mustChangePassword: z.boolean(),
});
export type Operator = z.infer<typeof operatorSchema>;

export const sessionStateSchema = z.object({
  operator: operatorSchema.nullable(),
  /** Sent back in the X-CSRF-Token header by the HTTP client; absent over IPC. */
  csrfToken: z.string().nullable(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

/** How long a session lives: it ends after the idle timeout without a call, and at the lifetime whatever happens. */
export const sessionSettingsSchema = z
  .object({
    idleTimeoutMinutes: z.number().int().min(5).max(24 * 60),
    lifetimeHours: z.number().int().min(1).max(7 * 24),
  })
  .strict();
export type SessionSettings = z.infer<typeof sessionSettingsSchema>;
export const defaultSessionSettings: SessionSettings = { idleTimeoutMinutes: 120, lifetimeHours: 12 };

export const authContract = {
  /** Signs an operator in; repeated failures slow down and then lock the account. */
  'auth:sign-in': channel({
    input: z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }),
    output: sessionStateSchema,
    access: publicAccess,
  doc: 'Sign in with username and password.',
  }),
  /** Who is signed in on this connection (null operator when nobody). */
  'auth:session': channel({
    input: z.object({}),
    output: sessionStateSchema,
    access: publicAccess,
    doc: 'The current session, if any.',
  }),
  'auth:sign-out': channel({
    input: z.object({}),
    output: z.object({ signedOut: z.literal(true) }),
    access: signedIn,
    doc: 'End the current session.',
  }),
  'auth:change-password': channel({
    input: z.object({ currentPassword: z.string().min(1).max(200), newPassword: passwordSchema }),
    output: z.object({ changed: z.literal(true) }),
    access: signedIn,
    doc: 'Change the signed-in operator’s own password.',
  }),
  'auth:session-settings': channel({
    input: z.object({}),
    output: sessionSettingsSchema,
    access: requires('users:manage'),
    doc: 'How long sessions live (idle timeout, lifetime).',
  }),
  'auth:set-session-settings': channel({
    input: sessionSettingsSchema,
    output: sessionSettingsSchema,
    access: requires('users:manage'),
    doc: 'Change how long sessions live; open sessions follow at their next call.',
  }),
  'auth:set-locale': channel({
    input: z.object({ locale: localeSchema }),
    output: operatorSchema,
    access: signedIn,
    doc: 'Remember the operator’s interface language.',
  }),
};
