/**
 * Pieces shared by the lines, loans and borrower pages: clickable figures, badges and scope
 * filters (the virtualised list is in VirtualList.tsx).
 */
import { Badge, Group, Paper, Select, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { bucketChartColor } from '../../../shared/chart-colors';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { LineFlagName, lineStates } from '../../../shared/contracts/portfolio';
import type { OrderStatus } from '../../../shared/institution-api/loans';
import { useRpcQuery } from '../../api/hooks';
import { useI18n } from '../../i18n/I18nProvider';

export type InstitutionRef = { id: number; code: string; name: string };

/** A figure that opens the list behind it. */
export function FigureCard({
  label,
  value,
  detail,
  to,
  color,
  testId,
  hint,
}: {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
  to?: string;
  color?: string;
  testId?: string;
  hint?: string;
}) {
  const body = (
    <Paper withBorder p="sm" radius="sm" h="100%" style={color ? { borderLeft: `4px solid var(--mantine-color-${color}-6)` } : undefined}>
      {/* Two lines: one cut "APR over 36.00% (non-compliant)" to "APR over 36.00% (non-…" in a fifth of 1366 px. */}
      <Text size="xs" c="dimmed" lineClamp={2} title={label} data-testid={testId ? `${testId}-label` : undefined}>
        {label}
      </Text>
      <Text fw={600} size="xl" data-testid={testId ? `${testId}-value` : undefined} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </Text>
      {detail !== undefined && (
        <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
          {detail}
        </Text>
      )}
    </Paper>
  );
  const wrapped = hint ? <Tooltip label={hint} multiline w={260} withArrow>{body}</Tooltip> : body;
  if (!to) return <div data-testid={testId}>{wrapped}</div>;
  return (
    <UnstyledButton component={Link} to={to} data-testid={testId} aria-label={label} style={{ display: 'block', height: '100%' }}>
      {wrapped}
    </UnstyledButton>
  );
}

export function bucketColor(bucket: string): string {
  return (bucketChartColor as Record<string, string>)[bucket] ?? 'gray';
}

const openStatuses = new Set(['LOAN_SUCCESS', 'REPAYING', 'OVERDUE']);

/** The delinquency bucket of an open loan; a closed, cancelled or failed loan has none (no "M0" on a settled loan). */
export function BucketBadge({ bucket, dpd, inGrace, status }: { bucket: string; dpd?: number; inGrace?: boolean; status: string }) {
  const { t } = useI18n();
  if (!openStatuses.has(status)) {
    return (
      <Text span size="sm" c="dimmed" data-testid="no-bucket">
        —
      </Text>
    );
  }
  return (
    <Badge color={bucketColor(bucket)} variant={bucket === 'M0' ? 'light' : 'filled'} size="sm">
      {bucket}
      {dpd !== undefined && dpd > 0 ? ` · ${t('loans.dpdShort', { days: dpd })}` : ''}
      {inGrace ? ` · ${t('loans.inGrace')}` : ''}
    </Badge>
  );
}

const statusColors: Record<string, string> = {
  REPAYING: 'blue',
  LOAN_SUCCESS: 'blue',
  OVERDUE: 'red',
  CLOSED: 'gray',
  AUDITING: 'yellow',
  AUDIT_PASS: 'cyan',
  AUDIT_NO_PASS: 'gray',
  LOAN_CANCEL: 'gray',
  LOAN_FAILED: 'gray',
};

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  const { t } = useI18n();
  return (
    <Badge color={statusColors[status] ?? 'gray'} variant="light" size="sm">
      {t(`loans.status.${status}`)}
    </Badge>
  );
}

const lineStateColors: Record<string, string> = { active: 'teal', frozen: 'red', expired: 'gray', exhausted: 'orange', consumed: 'blue', not_started: 'gray' };

export function LineStateBadge({ state }: { state: (typeof lineStates)[number] }) {
  const { t } = useI18n();
  return (
    <Badge color={lineStateColors[state] ?? 'gray'} variant="light" size="sm">
      {t(`lines.state.${state}`)}
    </Badge>
  );
}

const lineFlagColors: Record<string, string> = {
  frozen_overdue: 'red',
  expiring_soon: 'yellow',
  exhausted: 'orange',
  unused_single_batch_expiring: 'grape',
  expired: 'gray',
};

// The flag support must see first when a list cell has room for one: a frozen line before a date.
const lineFlagSeverity: readonly LineFlagName[] = ['frozen_overdue', 'expired', 'exhausted', 'unused_single_batch_expiring', 'expiring_soon'];

/** A line's flags; with `max`, the most severe ones and "+N" for the rest, all of them on hover. */
export function LineFlagBadges({ flags, max }: { flags: readonly LineFlagName[]; max?: number }) {
  const { t } = useI18n();
  const ordered = max === undefined ? flags : [...flags].sort((a, b) => lineFlagSeverity.indexOf(a) - lineFlagSeverity.indexOf(b));
  const shown = max === undefined ? ordered : ordered.slice(0, max);
  const rest = ordered.length - shown.length;
  return (
    <Group gap={4} wrap="nowrap" title={rest > 0 ? ordered.map((flag) => t(`lines.flag.${flag}`)).join(t('common.listSeparator')) : undefined}>
      {shown.map((flag) => (
        <Badge key={flag} color={lineFlagColors[flag] ?? 'gray'} variant="dot" size="xs">
          {t(`lines.flag.${flag}`)}
        </Badge>
      ))}
      {rest > 0 && (
        <Badge color="gray" variant="light" size="xs" data-testid="more-flags">
          +{rest}
        </Badge>
      )}
    </Group>
  );
}

export function lineFlagColor(flag: string): string {
  return lineFlagColors[flag] ?? 'gray';
}

/** A ratio as a percentage with two decimals. */
export function formatRatio(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

/** `?a=1&b=x` from an object, dropping empty values. */
export function toQuery(values: Record<string, string | number | boolean | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function institutionName(institutions: readonly InstitutionRef[], id: number): string {
  return institutions.find((institution) => institution.id === id)?.name ?? `#${id}`;
}

/** Institution and product choosers fed by the portfolio's filter options. */
export function ScopeSelects({
  institutionId,
  productCode,
  onChange,
}: {
  institutionId: number | undefined;
  productCode: string | undefined;
  onChange(next: { institutionId?: number; productCode?: string }): void;
}) {
  const { t } = useI18n();
  const options = useRpcQuery('portfolio:filter-options', {}, { staleTime: 60_000 });
  const institutions = options.data?.institutions ?? [];
  const products = (options.data?.products ?? []).filter((product) => institutionId === undefined || product.institutionId === institutionId);
  const productCodes = [...new Set(products.map((product) => product.productCode))];
  return (
    <>
      <Select
        size="xs"
        w={170}
        aria-label={t('portfolio.institution')}
        placeholder={t('portfolio.allInstitutions')}
        data={institutions.map((institution) => ({ value: String(institution.id), label: institution.name }))}
        value={institutionId === undefined ? null : String(institutionId)}
        onChange={(value) => onChange({ institutionId: value ? Number(value) : undefined, productCode: undefined })}
        clearable
      />
      <Select
        size="xs"
        w={150}
        aria-label={t('portfolio.product')}
        placeholder={t('portfolio.allProducts')}
        data={productCodes}
        value={productCode ?? null}
        onChange={(value) => onChange({ institutionId, productCode: value ?? undefined })}
        clearable
      />
    </>
  );
}

/** Text in a list cell that may be cut at the cell's edge, whole on hover. */
export function TitledText({ text }: { text: string }) {
  return <span title={text}>{text}</span>;
}
