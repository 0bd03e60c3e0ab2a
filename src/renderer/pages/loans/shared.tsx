/**
 * Pieces shared by the lines, loans and borrower pages: clickable figures, badges, scope filters
 * and the virtualised list that pages through the back end as it scrolls.
 */
import { Badge, Group, Paper, Select, Skeleton, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { bucketChartColor } from '../../../shared/chart-colors';
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react';
import { useMemo, useRef, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { ChannelInput, ChannelOutput } from '../../../shared/rpc/contract';
import type { LineFlagName, lineStates } from '../../../shared/contracts/portfolio';
import type { OrderStatus } from '../../../shared/institution-api/loans';
import classes from './portfolio.module.css';
import { rpcQuery, useInvalidateOn, useRpcQuery } from '../../api/hooks';
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

export function LineFlagBadges({ flags }: { flags: readonly LineFlagName[] }) {
  const { t } = useI18n();
  return (
    <Group gap={4} wrap="nowrap">
      {flags.map((flag) => (
        <Badge key={flag} color={lineFlagColors[flag] ?? 'gray'} variant="dot" size="xs">
          {t(`lines.flag.${flag}`)}
        </Badge>
      ))}
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

export interface VirtualColumn<Row> {
  key: string;
  header: string;
  width: number;
  align?: 'left' | 'right';
  sort?: string;
  render(row: Row): ReactNode;
}

type PagedChannel = 'portfolio:loans-list' | 'portfolio:lines-list';
type PagedRow<C extends PagedChannel> = ChannelOutput<C>['rows'][number];

const pageSize = 100;
const rowHeight = 36;

/**
 * A list paged, sorted and filtered by the back end and virtualised here: only the pages under the
 * viewport are fetched, so 100,000 rows scroll like 100.
 */
export function VirtualList<C extends PagedChannel>({
  channel,
  input,
  columns,
  sort,
  direction,
  onSort,
  rowHref,
  testId,
  height = 'calc(100vh - 260px)',
}: {
  channel: C;
  input: Omit<ChannelInput<C>, 'offset' | 'limit'>;
  columns: VirtualColumn<PagedRow<C>>[];
  sort: string;
  direction: 'asc' | 'desc';
  onSort(sort: string, direction: 'asc' | 'desc'): void;
  rowHref(row: PagedRow<C>): string;
  testId: string;
  height?: string;
}) {
  const { t, locale } = useI18n();
  const scrollRef = useRef<HTMLDivElement>(null);
  const first = useRpcQuery(channel, { ...input, offset: 0, limit: pageSize } as ChannelInput<C>);
  // New sync data refreshes the pages on screen (they stay where they are).
  useInvalidateOn('sync:data-changed', [channel]);
  const total = (first.data as ChannelOutput<C> | undefined)?.total ?? 0;
  // The virtualizer's functions change every render by design; this component re-renders on scroll anyway.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 20 });
  const items = virtualizer.getVirtualItems();
  const pagesInView = useMemo(() => {
    const pages = new Set<number>();
    for (const item of items) pages.add(Math.floor(item.index / pageSize));
    return [...pages].filter((page) => page > 0).sort((a, b) => a - b);
  }, [items]);
  const pageQueries = useQueries({
    queries: pagesInView.map((page) => {
      const pageInput = { ...input, offset: page * pageSize, limit: pageSize } as ChannelInput<C>;
      return { ...rpcQuery(channel, pageInput), staleTime: 15_000 };
    }),
  });
  const rowsByPage = new Map<number, PagedRow<C>[]>();
  if (first.data) rowsByPage.set(0, (first.data as ChannelOutput<C>).rows as PagedRow<C>[]);
  pagesInView.forEach((page, index) => {
    const data = pageQueries[index]?.data as ChannelOutput<C> | undefined;
    if (data) rowsByPage.set(page, data.rows as PagedRow<C>[]);
  });
  const width = columns.reduce((sum, column) => sum + column.width, 0);

  return (
    <Stack gap={4}>
      <Text size="xs" c="dimmed" data-testid={`${testId}-total`}>
        {first.isPending ? t('common.loading') : t('portfolio.rowsTotal', { count: new Intl.NumberFormat(locale).format(total) })}
      </Text>
      <Paper withBorder radius="sm" style={{ overflow: 'hidden' }}>
        <div ref={scrollRef} style={{ height, overflow: 'auto' }} role="table" aria-rowcount={total} data-testid={testId}>
          <div role="row" style={{ display: 'flex', position: 'sticky', top: 0, zIndex: 1, minWidth: width, background: 'var(--mantine-color-body)', borderBottom: '1px solid var(--mantine-color-default-border)' }}>
            {columns.map((column) => (
              <div key={column.key} role="columnheader" style={{ width: column.width, flex: `0 0 ${column.width}px`, padding: '6px 8px', textAlign: column.align ?? 'left' }}>
                {column.sort ? (
                  <UnstyledButton
                    onClick={() => onSort(column.sort as string, sort === column.sort && direction === 'desc' ? 'asc' : 'desc')}
                    aria-label={`${t('portfolio.sortBy')} ${column.header}`}
                  >
                    <Group gap={2} wrap="nowrap" justify={column.align === 'right' ? 'flex-end' : 'flex-start'}>
                      <Text size="xs" fw={600}>
                        {column.header}
                      </Text>
                      {sort === column.sort && (direction === 'desc' ? <IconArrowDown size={12} /> : <IconArrowUp size={12} />)}
                    </Group>
                  </UnstyledButton>
                ) : (
                  <Text size="xs" fw={600}>
                    {column.header}
                  </Text>
                )}
              </div>
            ))}
          </div>
          {total === 0 && !first.isPending ? (
            <Text p="md" c="dimmed" size="sm">
              {t('portfolio.noRows')}
            </Text>
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: width }}>
              {items.map((item) => {
                const row = rowsByPage.get(Math.floor(item.index / pageSize))?.[item.index % pageSize];
                return (
                  <div
                    key={item.key}
                    role="row"
                    aria-rowindex={item.index + 1}
                    style={{ position: 'absolute', top: 0, left: 0, right: 0, height: rowHeight, transform: `translateY(${item.start}px)`, display: 'flex', alignItems: 'center', borderBottom: '1px solid var(--mantine-color-default-border)' }}
                  >
                    {row ? (
                      <UnstyledButton component={Link} to={rowHref(row)} style={{ display: 'flex', alignItems: 'center', width: '100%', height: '100%' }} className={classes.rowLink}>
                        {columns.map((column) => (
                          <div key={column.key} role="cell" style={{ width: column.width, flex: `0 0 ${column.width}px`, padding: '0 8px', textAlign: column.align ?? 'left', overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis', fontSize: 13, fontVariantNumeric: 'tabular-nums' }}>
                            {column.render(row)}
                          </div>
                        ))}
                      </UnstyledButton>
                    ) : (
                      <Skeleton height={14} mx="sm" width={width - 32} />
                    )}
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </Paper>
    </Stack>
  );
}
