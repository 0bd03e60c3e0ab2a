import { BarChart, LineChart } from '@mantine/charts';
import { useNavigate } from 'react-router';
import { Badge, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { bucketChartColor, mantineChartColor, rollChartColor } from '../../../shared/chart-colors';
import type { PortfolioReport as Report, ReportFilter } from '../../../shared/contracts/reports';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatBps, formatCount, formatDateTime, formatFen, formatFenCompact } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { labelOf } from '../../i18n/translate';
import { RollRatesTable } from '../loans/RollRatesTable';
import { ExportControl } from './ExportControl';
import { GroupHeader } from './ReviewOperationsReport';
import { Stat } from './Stat';

const buckets = ['M0', 'M1', 'M2', 'M3', 'M3+'] as const;

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

function Body({ report }: { report: Report }) {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  // A rate leads to the loans that rolled, as on the loans dashboard.
  const onRolled = (monthEnd: string, from: string, to: string) => navigate(`/loans/list?${new URLSearchParams({ rolledMonthEnd: monthEnd, rolledFrom: from, rolledTo: to }).toString()}`);
  const fen = (value: number) => formatFen(value, locale);
  const nameOf = (id: number) => report.institutions.find((institution) => institution.id === id)?.name ?? `#${id}`;
  const institutionIds = [...new Set(report.bucketsByInstitution.map((row) => row.institutionId))];
  const bucketData = institutionIds.map((id) => ({
    institution: nameOf(id),
    ...Object.fromEntries(buckets.map((bucket) => [bucket, (report.bucketsByInstitution.find((row) => row.institutionId === id && row.bucket === bucket)?.balanceFen ?? 0) / 100])),
  }));
  // Percentages to two decimals, as the table beside it prints them (the tooltip showed 1.5752003154772158%).
  const chartPercent = (ratio: number) => Math.round(ratio * 10_000) / 100;
  const rolls = report.rollRates.map((row) => ({ month: row.monthEnd.slice(0, 7), c1: chartPercent(row.currentToM1.ratio), m12: chartPercent(row.m1ToM2.ratio) }));
  const utilisation = report.utilisation.map((row) => ({ date: row.date.slice(5), share: row.limitFen > 0 ? Math.round((row.usedFen / row.limitFen) * 1000) / 10 : 0 }));
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }} spacing="xs">
        <Stat label={t('reports.portfolio.open')} value={formatCount(report.open.loanCount, locale)} detail={fen(report.open.outstandingPrincipalFen)} />
        <Stat label={t('reports.portfolio.overdue')} value={formatCount(report.overdue.loanCount, locale)} detail={fen(report.overdue.principalFen)} color={report.overdue.loanCount > 0 ? 'orange' : undefined} />
        <Stat label="PAR30" value={percent(report.par.par30.ratio)} testId="stat-par30" />
        <Stat label="PAR60" value={percent(report.par.par60.ratio)} />
        <Stat label="PAR90" value={percent(report.par.par90.ratio)} />
        <Stat label={t('reports.portfolio.utilisation')} value={report.lines.limitFen > 0 ? percent(report.lines.usedFen / report.lines.limitFen) : '—'} detail={`${fen(report.lines.usedFen)} / ${fen(report.lines.limitFen)}`} />
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {t('reports.portfolio.rangeNote')}
      </Text>
      <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="md">
        <Paper withBorder p="sm">
          <Title order={6} mb="xs">
            {t('reports.portfolio.buckets')}
          </Title>
          <BarChart
            h={Math.max(160, 70 + bucketData.length * 44)}
            data={bucketData}
            dataKey="institution"
            type="stacked"
            orientation="vertical"
            withLegend
            valueFormatter={(value) => formatFen(Math.round(value * 100), locale)}
            // Institutions down the side, where their full names fit; amounts along the bottom.
            yAxisProps={{ width: 130, interval: 0 }}
            xAxisProps={{ tickFormatter: (value: number) => formatFenCompact(Math.round(value * 100), locale) }}
            series={buckets.map((bucket) => ({ name: bucket, color: mantineChartColor(bucketChartColor[bucket]) }))}
          />
        </Paper>
        <Paper withBorder p="sm">
          <Title order={6} mb="xs">
            {t('reports.portfolio.rollRates')}
          </Title>
          {rolls.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('reports.empty')}
            </Text>
          ) : (
            <LineChart h={220} data={rolls} dataKey="month" withLegend unit="%" series={[
                { name: 'c1', label: 'C→M1', color: mantineChartColor(rollChartColor.currentToM1) },
                { name: 'm12', label: 'M1→M2', color: mantineChartColor(rollChartColor.m1ToM2) },
              ]} />
          )}
        </Paper>
        <Paper withBorder p="sm">
          <Title order={6} mb="xs">
            {t('reports.portfolio.utilisationOverTime')}
          </Title>
          {utilisation.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('reports.empty')}
            </Text>
          ) : (
            <LineChart h={220} data={utilisation} dataKey="date" unit="%" series={[{ name: 'share', label: t('reports.portfolio.utilisation'), color: 'blue.6' }]} />
          )}
        </Paper>
      </SimpleGrid>
      <Title order={5}>{t('reports.portfolio.compliance')}</Title>
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="xs">
        <Stat label={t('reports.portfolio.aprWarning')} value={formatCount(report.compliance.aprWarning, locale)} color={report.compliance.aprWarning > 0 ? 'yellow' : undefined} />
        <Stat label={t('reports.portfolio.aprNonCompliant')} value={formatCount(report.compliance.aprNonCompliant, locale)} color={report.compliance.aprNonCompliant > 0 ? 'red' : undefined} />
        <Stat label={t('reports.portfolio.planMissing')} value={formatCount(report.compliance.planMissing, locale)} />
        <Stat label={t('reports.portfolio.planMismatch')} value={formatCount(report.compliance.planMismatch, locale)} color={report.compliance.planMismatch > 0 ? 'red' : undefined} />
      </SimpleGrid>
      {report.rollRates.length > 0 && (
        <>
          <Title order={5}>{t('reports.portfolio.rollRates')}</Title>
          <RollRatesTable rows={report.rollRates} minimumLoans={report.rollRateMinimumCohortLoans} onRolled={onRolled} />
        </>
      )}
      <Title order={5}>{t('reports.portfolio.flagged', { shown: formatCount(report.flaggedLoans.length, locale), total: formatCount(report.flaggedTotal, locale) })}</Title>
      <Table striped withTableBorder fz="xs" style={{ fontVariantNumeric: 'tabular-nums' }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('reports.portfolio.loan')}</Table.Th>
            <Table.Th>{t('reports.institution')}</Table.Th>
            <Table.Th ta="right">{t('reports.portfolio.principal')}</Table.Th>
            <Table.Th ta="right">DPD</Table.Th>
            <Table.Th ta="right">{t('reports.portfolio.apr')}</Table.Th>
            <Table.Th>{t('reports.portfolio.plan')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.flaggedLoans.map((loan) => (
            <Table.Tr key={loan.id}>
              <Table.Td>
                {loan.externalId} <Badge size="xs" variant="light" color={loan.bucket === 'M0' ? 'gray' : 'orange'}>{loan.bucket}</Badge>
              </Table.Td>
              <Table.Td>{nameOf(loan.institutionId)}</Table.Td>
              <Table.Td ta="right">{fen(loan.outstandingPrincipalFen)}</Table.Td>
              <Table.Td ta="right">{loan.dpd}</Table.Td>
              <Table.Td ta="right" c={loan.aprFlag === 'non_compliant' ? 'red' : loan.aprFlag === 'warning' ? 'orange' : undefined}>
                {formatBps(loan.aprNominalBps)}
              </Table.Td>
              <Table.Td>
                {labelOf(t, 'loans.planState', loan.planState)}
                {loan.planMismatch && (
                  <Badge size="xs" color="red" ml={4}>
                    {t('reports.portfolio.planMismatch')}
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** The loan book for people outside CreditDesk: risk, roll rates, utilisation and compliance. */
export function PortfolioReport({ filter }: { filter: ReportFilter }) {
  const { t, locale } = useI18n();
  const report = useRpcQuery('reports:portfolio', filter);
  const exportReport = useRpcMutation('reports:export');
  return (
    <Stack gap="sm">
      <GroupHeader
        note={report.data ? t('reports.asOf', { time: formatDateTime(report.data.asOf, locale) }) : ''}
        exportControl={<ExportControl start={(format, clear) => exportReport.mutateAsync({ report: 'portfolio', filter, format, clear })} />}
      />
      {report.isPending && <Loader size="sm" />}
      {report.isError && <ErrorAlert error={report.error} onRetry={() => void report.refetch()} />}
      {report.data && <Body report={report.data} />}
    </Stack>
  );
}
