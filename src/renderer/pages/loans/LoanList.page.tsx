import { Badge, Button, Group, Select, Text } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { bucketSchema } from '../../../shared/domain/delinquency';
import { loanFlags, loanListFilterSchema, type LoanListFilter, type LoanListRow } from '../../../shared/contracts/portfolio';
import { orderStatusSchema } from '../../../shared/institution-api/loans';
import { DateField } from '../../components/DateField';
import { PageHeader } from '../../components/PageHeader';
import { formatBps, formatDateTime, formatFen } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useRpcQuery } from '../../api/hooks';
import { BucketBadge, institutionName, OrderStatusBadge, ScopeSelects, TitledText, toQuery } from './shared';
import { VirtualList, type VirtualColumn } from './VirtualList';


/** The filter in the address: every dashboard figure links here with its own. */
function readFilter(params: URLSearchParams): LoanListFilter {
  const raw: Record<string, unknown> = {};
  for (const key of ['institutionId', 'creditLineId', 'borrowerId', 'parDays']) if (params.get(key)) raw[key] = Number(params.get(key));
  for (const key of ['productCode', 'disbursedFrom', 'disbursedTo', 'bucket', 'status', 'scope', 'flag']) if (params.get(key)) raw[key] = params.get(key);
  if (params.get('rolledMonthEnd')) raw.rolled = { monthEnd: params.get('rolledMonthEnd'), from: params.get('rolledFrom'), to: params.get('rolledTo') };
  const parsed = loanListFilterSchema.safeParse(raw);
  return parsed.success ? parsed.data : { scope: 'all' };
}

function writeFilter(filter: LoanListFilter, sort: string, direction: string): URLSearchParams {
  const { rolled, ...rest } = filter;
  return new URLSearchParams(
    toQuery({
      ...rest,
      scope: rest.scope === 'all' ? undefined : rest.scope,
      rolledMonthEnd: rolled?.monthEnd,
      rolledFrom: rolled?.from,
      rolledTo: rolled?.to,
      sort: sort === 'disbursedAt' ? undefined : sort,
      direction: direction === 'desc' ? undefined : direction,
    }).slice(1),
  );
}

export function LoanListPage() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const filter = readFilter(params);
  const sort = (params.get('sort') ?? 'disbursedAt') as 'disbursedAt';
  const direction = params.get('direction') === 'asc' ? 'asc' : 'desc';
  const options = useRpcQuery('portfolio:filter-options', {}, { staleTime: 60_000 });
  const institutions = options.data?.institutions ?? [];
  const update = (next: Partial<LoanListFilter>) => setParams(writeFilter({ ...filter, ...next }, sort, direction), { replace: true });

  // Widths hold the widest text each column shows in its language (English statuses run longer);
  // no priority: what support looks a loan up by, never hidden (src/renderer/README.md).
  const wide = locale === 'en';
  const columns: VirtualColumn<LoanListRow>[] = [
    { key: 'loan', header: t('loans.column.loan'), width: 176, priority: 1, render: (row) => <Text size="sm" ff="monospace">{row.externalId}</Text> },
    { key: 'institution', header: t('portfolio.institution'), width: 150, render: (row) => <TitledText text={institutionName(institutions, row.institutionId)} /> },
    { key: 'borrower', header: t('loans.column.borrower'), width: 80, render: (row) => row.borrowerNameMasked ?? '—' },
    { key: 'product', header: t('portfolio.product'), width: 100, priority: 5, render: (row) => row.productCode },
    { key: 'status', header: t('loans.status'), width: wide ? 150 : 100, render: (row) => <OrderStatusBadge status={row.status} /> },
    { key: 'principal', header: t('loans.column.principal'), width: 112, align: 'right', sort: 'principal', render: (row) => formatFen(row.principalFen, locale) },
    { key: 'outstanding', header: t('loans.column.outstanding'), width: 112, align: 'right', sort: 'outstanding', render: (row) => formatFen(row.outstandingPrincipalFen, locale) },
    { key: 'disbursed', header: t('loans.column.disbursed'), width: 140, priority: 4, sort: 'disbursedAt', render: (row) => formatDateTime(row.disbursedAt, locale) },
    { key: 'dpd', header: t('loans.column.dpd'), width: wide ? 140 : 150, sort: 'dpd', render: (row) => <BucketBadge bucket={row.bucket} dpd={row.dpd} inGrace={row.inGrace} status={row.status} /> },
    {
      key: 'apr',
      header: t('loans.column.apr'),
      width: 90,
      priority: 6,
      align: 'right',
      sort: 'apr',
      render: (row) => (
        <Text size="sm" c={row.aprFlag === 'non_compliant' ? 'red' : row.aprFlag === 'warning' ? 'orange' : undefined} fw={row.aprFlag === 'ok' ? undefined : 600}>
          {formatBps(row.aprNominalBps)}
        </Text>
      ),
    },
    {
      key: 'flags',
      header: t('loans.column.flags'),
      width: wide ? 150 : 140,
      priority: 3,
      render: (row) => (
        <Group gap={4} wrap="nowrap">
          {row.planState === 'missing' && <Badge size="xs" color="gray" variant="outline">{t('loans.flag.plan_missing')}</Badge>}
          {row.planMismatch && <Badge size="xs" color="orange" variant="outline">{t('loans.flag.plan_mismatch')}</Badge>}
        </Group>
      ),
    },
    { key: 'next', header: t('loans.column.nextDue'), width: wide ? 176 : 160, priority: 2, sort: 'nextDue', render: (row) => (row.nextDueDate ? `${row.nextDueDate} · ${formatFen(row.nextDueFen, locale)}` : '—') },
  ];

  return (
    <>
      <PageHeader
        title={t('loans.list.title')}
        actions={
          <Button size="xs" variant="subtle" leftSection={<IconArrowLeft size={14} />} component={Link} to="/loans">
            {t('loans.dashboard.title')}
          </Button>
        }
      />
      <Group gap="xs" mb="sm" wrap="wrap">
        <ScopeSelects institutionId={filter.institutionId} productCode={filter.productCode} onChange={(next) => update(next)} />
        {/* Which date the two fields filter: the loan's disbursement date. */}
        <Text size="xs" c="dimmed" data-testid="date-filter-label">
          {t('loans.dateFilterLabel')}
        </Text>
        <DateField clearable w={150} aria-label={t('loans.disbursedFrom')} leftSection={<Text size="xs">{t('portfolio.from')}</Text>} leftSectionWidth={36} value={filter.disbursedFrom} max={filter.disbursedTo} onChange={(value) => update({ disbursedFrom: value })} />
        <DateField clearable w={150} aria-label={t('loans.disbursedTo')} leftSection={<Text size="xs">{t('portfolio.to')}</Text>} leftSectionWidth={36} value={filter.disbursedTo} min={filter.disbursedFrom} onChange={(value) => update({ disbursedTo: value })} />
        <Select size="xs" w={100} aria-label={t('loans.bucket')} placeholder={t('loans.bucket')} data={bucketSchema.options} value={filter.bucket ?? null} onChange={(value) => update({ bucket: (value ?? undefined) as LoanListFilter['bucket'] })} clearable />
        <Select
          size="xs"
          w={130}
          aria-label={t('loans.status')}
          placeholder={t('loans.status')}
          data={orderStatusSchema.options.map((status) => ({ value: status, label: t(`loans.status.${status}`) }))}
          value={filter.status ?? null}
          onChange={(value) => update({ status: (value ?? undefined) as LoanListFilter['status'] })}
          clearable
        />
        <Select
          size="xs"
          w={170}
          aria-label={t('loans.column.flags')}
          placeholder={t('loans.column.flags')}
          data={loanFlags.map((flag) => ({ value: flag, label: t(`loans.flag.${flag}`, { rate: '' }) }))}
          value={filter.flag ?? null}
          onChange={(value) => update({ flag: (value ?? undefined) as LoanListFilter['flag'] })}
          clearable
        />
        <Select
          size="xs"
          w={130}
          aria-label={t('loans.scope')}
          data={(['all', 'open', 'disbursed'] as const).map((scope) => ({ value: scope, label: t(`loans.scope.${scope}`) }))}
          value={filter.scope}
          onChange={(value) => update({ scope: (value ?? 'all') as LoanListFilter['scope'] })}
          allowDeselect={false}
        />
        {filter.parDays !== undefined && (
          <Badge variant="light" color="orange" rightSection={<span aria-hidden>×</span>} style={{ cursor: 'pointer' }} onClick={() => update({ parDays: undefined })}>
            {t('loans.filter.parDays', { days: filter.parDays })}
          </Badge>
        )}
        {filter.rolled !== undefined && (
          <Badge variant="light" color="grape" style={{ cursor: 'pointer' }} onClick={() => update({ rolled: undefined })}>
            {t('loans.filter.rolled', { month: filter.rolled.monthEnd.slice(0, 7), from: filter.rolled.from, to: filter.rolled.to })} ×
          </Badge>
        )}
        {filter.creditLineId !== undefined && (
          <Badge variant="light" style={{ cursor: 'pointer' }} onClick={() => update({ creditLineId: undefined })}>
            {t('loans.filter.line', { id: filter.creditLineId })} ×
          </Badge>
        )}
      </Group>
      <VirtualList
        channel="portfolio:loans-list"
        input={{ ...filter, sort, direction }}
        columns={columns}
        sort={sort}
        direction={direction}
        onSort={(nextSort, nextDirection) => setParams(writeFilter(filter, nextSort, nextDirection), { replace: true })}
        rowHref={(row) => `/loans/${row.id}`}
        testId="loan-list"
      />
    </>
  );
}
