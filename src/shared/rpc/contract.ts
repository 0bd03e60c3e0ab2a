import type { z } from 'zod';
import { auditContract } from '../contracts/audit';
import { authContract } from '../contracts/auth';
import { deskContract } from '../contracts/desk';
import { presenceContract } from '../contracts/presence';
import { institutionsContract } from '../contracts/institutions';
import { settingsContract } from '../contracts/settings';
import { syncContract } from '../contracts/sync';
import { reviewContract } from '../contracts/review';
import { borrowersContract } from '../contracts/borrowers';
import { portfolioContract } from '../contracts/portfolio';
import { exportsContract } from '../contracts/exports';
import { reportsContract } from '../contracts/reports';
import { systemContract } from '../contracts/system';
import { usersContract } from '../contracts/users';
import type { ChannelDefinition } from './define';

/**
 * The one RPC contract: every channel the renderer may call, merged from the domain contract
 * files. Channel names are `domain:action` in kebab-case and live only here and in those files.
 */
export const contract = {
  ...authContract,
  ...institutionsContract,
  ...syncContract,
  ...settingsContract,
  ...reviewContract,
  ...portfolioContract,
  ...borrowersContract,
  ...exportsContract,
  ...reportsContract,
  ...auditContract,
  ...usersContract,
  ...systemContract,
  ...deskContract,
  ...presenceContract,
} satisfies Record<string, ChannelDefinition>;

export type Contract = typeof contract;
export type ChannelName = keyof Contract & string;
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ParsedInput<C extends ChannelName> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;

export const channelNames = Object.keys(contract) as ChannelName[];

export function isChannelName(value: string): value is ChannelName {
  return Object.prototype.hasOwnProperty.call(contract, value);
}
