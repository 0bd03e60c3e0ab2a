import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Alert, Button, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconInfoCircle, IconList } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { LoansDashboard } from '../../../shared/contracts/portfolio';
import { orderStatusSchema } from '../../../shared/institution-api/loans';
import { useInvalidateOn, useRpcQuery } from '../../api/hooks';
import { DateField } from '../../components/DateField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatBps, formatCount, formatDateTime, formatFen, formatFenCompact } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { OverdueDefinitions } from './OverdueDefinitions';
import { RollRatesTable } from './RollRatesTable';
import classes from './portfolio.module.css';
import { bucketColor, FigureCard, formatRatio, institutionName, ScopeSelects, toQuery } from './shared';

const buckets = ['M0', 'M1', 'M2', 'M3', 'M3+'] as const;

function useScope() {
  const [params, setParams] = useSearchParams();
  const institutionId = params.get('institutionId') ? Number(params.get('institutionId')) : undefined;
  const productCode = params.get('productCode') ?? undefined;
  const disbursedFrom = params.get('disbursedFrom') ?? undefined;
  const disbursedTo = params.get('disbursedTo') ?? undefined;
  const scope = { institutionId, productCode, disbursedFrom, disbursedTo };
  function update(next: Partial<typeof scope>) {
    const merged = { ...scope, ...next };
    setParams(new URLSearchParams(toQuery(merged).slice(1)), { replace: true });
  }
  return { scope, update };
}

/** Supervisors' view of the loan book: every figure opens the loans behind it. */
export function LoansDashboardPage() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const { scope, update } = useScope();
  const dashboard = useRpcQuery('portfolio:loans-dashboard', scope, { refetchInterval: 60_000 });
  useInvalidateOn('sync:data-changed', ['portfolio:loans-dashboard']);
  const list = (filter: Record<string, string | number | undefined>) => `/loans/list${toQuery({ ...scope, ...filter })}`;

  return (
    <>
      <PageHeader
        title={t('loans.dashboard.title')}
        description={dashboard.data ? t('portfolio.asOf', { time: formatDateTime(dashboard.data.asOf, locale) }) : undefined}
        actions={
          <Button size="xs" variant="light" leftSection={<IconList size={14} />} component={Link} to={list({})}>
            {t('loans.allLoans')}
          </Button>
        }
      />
      <Group gap="xs" mb="md" wrap="wrap">
        <ScopeSelects institutionId={scope.institutionId} productCode={scope.productCode} onChange={(next) => update(next)} />
        {/* Which date the two fields filter: the loan's disbursement date. */}
        <Text size="xs" c="dimmed" data-testid="date-filter-label">
          {t('loans.dateFilterLabel')}
        </Text>
        <DateField clearable w={150} aria-label={t('loans.disbursedFrom')} leftSection={<Text size="xs">{t('portfolio.from')}</Text>} leftSectionWidth={36} value={scope.disbursedFrom} max={scope.disbursedTo} onChange={(value) => update({ disbursedFrom: value })} />
        <DateField clearable w={150} aria-label={t('loans.disbursedTo')} leftSection={<Text size="xs">{t('portfolio.to')}</Text>} leftSectionWidth={36} value={scope.disbursedTo} min={scope.disbursedFrom} onChange={(value) => update({ disbursedTo: value })} />
      </Group>
      {dashboard.isPending && <Loader size="sm" />}
      {dashboard.isError && <ErrorAlert error={dashboard.error} onRetry={() => void dashboard.refetch()} />}
      {dashboard.data && <DashboardBody data={dashboard.data} list={list} onRolled={(monthEnd, from, to) => navigate(list({ rolledMonthEnd: monthEnd, rolledFrom: from, rolledTo: to }))} dateScoped={scope.disbursedFrom !== undefined || scope.disbursedTo !== undefined} />}
    </>
  );
}

function DashboardBody({
  data,
  list,
  onRolled,
  dateScoped,
}: {
  data: LoansDashboard;
  list(filter: Record<string, string | number | undefined>): string;
  onRolled(monthEnd: string, from: string, to: string): void;
  dateScoped: boolean;
}) {
  const { t, locale } = useI18n();
  const fen = (value: number) => formatFen(value, locale);
  const count = (value: number) => formatCount(value, locale);
  // Lifecycle order, as the institution API lists the statuses.
  const statuses = useMemo(() => orderStatusSchema.options.filter((status) => data.byStatus.some((row) => row.status === status)), [data.byStatus]);
  const institutionIds = useMemo(() => [...new Set(data.byStatus.map((row) => row.institutionId))], [data.byStatus]);
  const history = useMemo(() => {
    const byDate = new Map<string, Record<string, string | number>>();
    for (const row of data.bucketsOverTime) {
      const entry = byDate.get(row.date) ?? { date: row.date, source: row.source };
      entry[row.bucket] = row.balanceFen / 100;
      if (row.source === 'reconstructed') entry.source = 'reconstructed';
      byDate.set(row.date, entry);
    }
    return [...byDate.values()];
  }, [data.bucketsOverTime]);
  const anyReconstructed = data.bucketsOverTime.some((row) => row.source === 'reconstructed') || data.rollRates.some((row) => row.reconstructed);

  return (
    <Stack gap="lg">
      <section aria-label={t('loans.section.overview')}>
        <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }} spacing="sm">
          <FigureCard testId="figure-open" label={t('loans.figure.open')} value={count(data.open.loanCount)} detail={fen(data.open.outstandingPrincipalFen)} to={list({ scope: 'open' })} />
          <FigureCard
            testId="figure-overdue"
            color="red"
            label={t('loans.figure.overdue')}
            value={count(data.overdue.loanCount)}
            detail={t('loans.figure.overduePrincipal', { amount: fen(data.overdue.principalFen) })}
            to={list({ scope: 'open', flag: 'overdue' })}
          />
          {(['par30', 'par60', 'par90'] as const).map((key) => (
            <FigureCard
              key={key}
              testId={`figure-${key}`}
              color={key === 'par30' ? 'orange' : key === 'par60' ? 'red' : 'grape'}
              label={t(`loans.figure.${key}`)}
              value={formatRatio(data.par[key].ratio)}
              detail={`${fen(data.par[key].numeratorFen)} / ${fen(data.par[key].denominatorFen)}`}
              hint={t('loans.parHint')}
              to={list({ scope: 'open', parDays: key.slice(3) })}
            />
          ))}
          <Paper withBorder p="sm" radius="sm">
            <Text size="xs" c="dimmed">
              {t('loans.figure.overdueAmounts')}
            </Text>
            <Table withRowBorders={false} verticalSpacing={0} horizontalSpacing={0} fz="xs">
              <Table.Tbody>
                {([
                  ['loans.overdue.principal', data.overdue.principalFen],
                  ['loans.overdue.interest', data.overdue.interestFen],
                  ['loans.overdue.fee', data.overdue.feeFen],
                  ['loans.overdue.penalty', data.overdue.penaltyFen],
                ] as const).map(([key, value]) => (
                  <Table.Tr key={key}>
                    <Table.Td c="dimmed">{t(key)}</Table.Td>
                    <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={`overdue-${key.split('.')[2]}`}>
                      {fen(value)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        </SimpleGrid>
      </section>

      <OverdueDefinitions data={data} list={list} />

      <section aria-label={t('loans.section.buckets')} id="buckets">
        <Title order={5} mb={2}>
          {t('loans.section.buckets')}
        </Title>
        <Text size="xs" c="dimmed" mb="xs">
          {t('loans.section.bucketsHint')}
        </Text>
        <SimpleGrid cols={{ base: 3, md: 5 }} spacing="sm">
          {data.buckets.map((bucket) => (
            <FigureCard
              key={bucket.bucket}
              testId={`bucket-${bucket.bucket}`}
              color={bucketColor(bucket.bucket)}
              label={`${bucket.bucket} · ${t(`loans.bucketRange.${bucket.bucket}`)}`}
              value={count(bucket.loanCount)}
              detail={fen(bucket.balanceFen)}
              to={list({ scope: 'open', bucket: bucket.bucket })}
            />
          ))}
        </SimpleGrid>
        {institutionIds.length > 1 && (
          <Table mt="xs" withTableBorder fz="xs" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('portfolio.institution')}</Table.Th>
                {buckets.map((bucket) => (
                  <Table.Th key={bucket} ta="right">
                    {bucket}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {institutionIds.map((institutionId) => (
                <Table.Tr key={institutionId}>
                  <Table.Td>{institutionName(data.institutions, institutionId)}</Table.Td>
                  {buckets.map((bucket) => {
                    const cell = data.bucketsByInstitution.find((row) => row.institutionId === institutionId && row.bucket === bucket);
                    return (
                      <Table.Td key={bucket} ta="right" className={classes.cellLink} style={{ fontVariantNumeric: 'tabular-nums' }}>
                        <Link to={list({ scope: 'open', bucket, institutionId })} style={{ color: 'inherit', textDecoration: 'none' }}>
                          {count(cell?.loanCount ?? 0)} · {fen(cell?.balanceFen ?? 0)}
                        </Link>
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </section>

      <section aria-label={t('loans.section.compliance')}>
        <Title order={5} mb="xs">
          {t('loans.section.compliance')}
        </Title>
        <SimpleGrid cols={{ base: 2, md: 5 }} spacing="sm">
          <FigureCard testId="flag-apr_warning" color="yellow" label={t('loans.flag.apr_warning', { rate: formatBps(data.compliance.warningBps) })} value={count(data.compliance.aprWarning)} detail={t('loans.ofDisbursed', { count: count(data.compliance.disbursedCount) })} to={list({ scope: 'disbursed', flag: 'apr_warning' })} hint={t('loans.aprHint')} />
          <FigureCard testId="flag-apr_non_compliant" color="red" label={t('loans.flag.apr_non_compliant', { rate: formatBps(data.compliance.nonCompliantBps) })} value={count(data.compliance.aprNonCompliant)} to={list({ scope: 'disbursed', flag: 'apr_non_compliant' })} hint={t('loans.aprHint')} />
          <FigureCard testId="flag-plan_missing" color="gray" label={t('loans.flag.plan_missing')} value={count(data.compliance.planMissing)} to={list({ scope: 'disbursed', flag: 'plan_missing' })} />
          <FigureCard testId="flag-plan_mismatch" color="orange" label={t('loans.flag.plan_mismatch')} value={count(data.compliance.planMismatch)} to={list({ scope: 'disbursed', flag: 'plan_mismatch' })} />
          <FigureCard testId="flag-apr_unknown" label={t('loans.flag.apr_unknown')} value={count(data.compliance.aprUnknown)} to={list({ scope: 'disbursed', flag: 'apr_unknown' })} />
        </SimpleGrid>
      </section>

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <section aria-label={t('loans.section.byStatus')}>
          <Title order={5} mb="xs">
            {t('loans.section.byStatus')}
          </Title>
          <Table withTableBorder fz="xs" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('loans.status')}</Table.Th>
                {institutionIds.map((id) => (
                  <Table.Th key={id} ta="right">
                    {institutionName(data.institutions, id)}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {statuses.map((status) => (
                <Table.Tr key={status}>
                  <Table.Td>{t(`loans.status.${status}`)}</Table.Td>
                  {institutionIds.map((institutionId) => {
                    const cell = data.byStatus.find((row) => row.institutionId === institutionId && row.status === status);
                    return (
                      <Table.Td key={institutionId} ta="right" className={classes.cellLink} style={{ fontVariantNumeric: 'tabular-nums' }}>
                        {cell ? (
                          <Link to={list({ status, institutionId })} style={{ color: 'inherit', textDecoration: 'none' }}>
                            {count(cell.loanCount)}
                            {cell.outstandingPrincipalFen > 0 && <Text span c="dimmed" size="xs">{` · ${fen(cell.outstandingPrincipalFen)}`}</Text>}
                          </Link>
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </section>

        <section aria-label={t('loans.section.rollRates')}>
          <Title order={5} mb="xs">
            {t('loans.section.rollRates')}
          </Title>
          {dateScoped ? (
            <Text size="sm" c="dimmed">
              {t('loans.historyNotByDate')}
            </Text>
          ) : data.rollRates.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('loans.noRollRates')}
            </Text>
          ) : (
            <RollRatesTable rows={data.rollRates} minimumLoans={data.rollRateMinimumCohortLoans} onRolled={onRolled} />
          )}
        </section>
      </SimpleGrid>

      <section aria-label={t('loans.section.history')}>
        <Title order={5} mb="xs">
          {t('loans.section.history')}
        </Title>
        {dateScoped ? (
          <Text size="sm" c="dimmed">
            {t('loans.historyNotByDate')}
          </Text>
        ) : history.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('portfolio.noHistory')}
          </Text>
        ) : (
          <BarChart
            h={260}
            data={history}
            dataKey="date"
            type="stacked"
            series={buckets.filter((bucket) => bucket !== 'M0').map((bucket) => ({ name: bucket, color: `${bucketColor(bucket)}.6` }))}
            valueFormatter={(value) => formatFen(Math.round(value * 100), locale)}
            withLegend
            yAxisProps={{ width: 70, tickFormatter: (value: number) => formatFenCompact(Math.round(value * 100), locale) }}
          />
        )}
        {anyReconstructed && (
          <Alert mt="xs" variant="light" color="gray" icon={<IconInfoCircle size={16} />} p="xs">
            <Text size="xs">{t('portfolio.reconstructedNote')}</Text>
          </Alert>
        )}
      </section>
    </Stack>
  );
}
