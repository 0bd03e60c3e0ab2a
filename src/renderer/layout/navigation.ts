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
