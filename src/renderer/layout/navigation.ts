import {
  IconAdjustments,
  IconCash,
  IconChecklist,
  IconCreditCard,
  IconRefresh,
  IconReportAnalytics,
  IconUserSearch,
  type Icon,
} from '@tabler/icons-react';
import type { Permission } from '../../shared/rpc/permissions';
import type { MessageKey } from '../i18n/messages';

export interface NavItem {
  path: string;
  /** Where the start page lands when this is the operator's first section (default: path). */
  start?: string;
  label: MessageKey;
  icon: Icon;
  /** null = every signed-in operator. */
  permission: Permission | null;
}

/**
 * Where each operator starts: where their work is. Supervisors on their inbox (approvals waiting
 * for them), reviewers on their queue, support on borrower lookup; anyone else on the first page
 * of the navigation they may open.
 */
export function startPage(can: (permission: Permission) => boolean): string {
  if (can('review:supervise')) return '/review/inbox';
  if (can('review:work')) return '/review/contacts';
  if (can('borrowers:lookup') && !can('reports:view')) return '/borrowers';
  const first = navItems.find((item) => item.permission === null || can(item.permission));
  return first?.start ?? first?.path ?? '/settings';
}

/** The main navigation, in the order operators use it; hidden where the role lacks the permission. */
export const navItems: NavItem[] = [
  { path: '/review', start: '/review/contacts', label: 'nav.review', icon: IconChecklist, permission: 'review:work' },
  { path: '/lines', label: 'nav.lines', icon: IconCreditCard, permission: 'portfolio:view' },
  { path: '/loans', label: 'nav.loans', icon: IconCash, permission: 'portfolio:view' },
  { path: '/borrowers', label: 'nav.borrowers', icon: IconUserSearch, permission: 'borrowers:lookup' },
  { path: '/reports', label: 'nav.reports', icon: IconReportAnalytics, permission: 'reports:view' },
  { path: '/sync', label: 'nav.sync', icon: IconRefresh, permission: 'sync:view' },
  { path: '/settings', label: 'nav.settings', icon: IconAdjustments, permission: null },
];
