import type { ChannelName } from '../../shared/rpc/contract';

/**
 * Channels a call may be sent again after its connection dropped mid-flight, because a second
 * arrival changes nothing: reads (a viewing audit entry at most is recorded twice), a lease
 * renewal, and `review:decide`, which the transport always sends with an idempotency key (the
 * server answers a repeated key with the first answer). Every other write is reported as a
 * NETWORK error instead: the operator sees it and decides. A renamed channel fails to compile here.
 */
export const retrySafeChannels: ReadonlySet<ChannelName> = new Set<ChannelName>([
  'auth:session',
  'users:list',
  'portfolio:filter-options',
  'portfolio:lines-dashboard',
  'portfolio:lines-list',
  'portfolio:line-detail',
  'portfolio:loans-dashboard',
  'portfolio:loans-list',
  'portfolio:loan-detail',
  'settings:get-domain',
  'review:counts',
  'review:list',
  'review:filter-options',
  'review:renew',
  'review:task',
  'review:decide',
  'review:workload',
  'presence:list',
  'review:inbox',
  'review:image',
  'review:reason-codes',
  'review:settings',
  'sync:overview',
  'sync:runs',
  'sync:quarantine',
  'sync:reconciliation',
  'sync:outbox',
  'institutions:list',
  'exports:list',
  'exports:get',
  'audit:list',
  'audit:actions',
  'borrowers:search',
  'borrowers:get',
  'reports:review-operations',
  'reports:auth-funnel',
  'reports:portfolio',
  'system:info',
  'system:log-files',
  'system:log-read',
]);

/** Channels whose input gets an idempotency key from the transport when the caller gave none. */
export const keyedChannels: ReadonlySet<ChannelName> = new Set<ChannelName>(['review:decide']);
