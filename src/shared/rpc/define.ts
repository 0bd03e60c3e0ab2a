import type { z } from 'zod';
import type { Permission } from './permissions';

/**
 * Who may call a channel: anyone (sign-in, session discovery, and the desktop's choice of back end), any signed-in operator,
 * or operators holding one permission.
 */
export type Access = { kind: 'public' } | { kind: 'signed-in' } | { kind: 'permission'; permission: Permission };

export interface ChannelDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  access: Access;
  /** One line for the generated channel list and for readers of the contract. */
  doc: string;
}

/** Identity helper that keeps the precise zod types of a channel. */
export function channel<I extends z.ZodType, O extends z.ZodType>(definition: ChannelDefinition<I, O>): ChannelDefinition<I, O> {
  return definition;
}

export const publicAccess: Access = { kind: 'public' };
export const signedIn: Access = { kind: 'signed-in' };
export function requires(permission: Permission): Access {
  return { kind: 'permission', permission };
}
