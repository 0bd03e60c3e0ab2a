import { BarChart, LineChart } from '@mantine/charts';
import { Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { actionChartColor, handlingChartColor, mantineChartColor, queueChartColor } from '../../../shared/chart-colors';
import type { ReportFilter, ReviewOperationsReport as Report } from '../../../shared/contracts/reports';
import { reviewQueues } from '../../../shared/domain/findings';
import { reviewActions as actions } from '../../../shared/domain/review';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount, formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { ExportControl } from './ExportControl';
import { Stat } from './Stat';

function useMinutes() {
  const { t } = useI18n();
  return (value: number | null) => (value === null ? '—' : t('reports.review.minutes', { value: value.toFixed(1) }));
}

type Counts = Report['byQueue'][number];

function CountsTable({ rows, first }: { rows: Array<{ key: string; label: string; counts: Omit<Counts, 'queue' | 'tasksIn'> & { tasksIn?: number } }>; first: string }) {
  const { t, locale } = useI18n();
  const minutes = useMinutes();
  const withTasksIn = rows.some((row) => row.counts.tasksIn !== undefined);
  return (
    <Table striped withTableBorder fz="xs" style={{ fontVariantNumeric: 'tabular-nums' }}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{first}</Table.Th>
          {withTasksIn && <Table.Th ta="right">{t('reports.review.tasksIn')}</Table.Th>}
          <Table.Th ta="right">{t('reports.review.decided')}</Table.Th>
          {actions.map((action) => (
            <Table.Th key={action} ta="right">
              {t(`reports.action.${action}`)}
            </Table.Th>
          ))}
          <Table.Th ta="right">{t('reports.review.withoutOutcome')}</Table.Th>
          <Table.Th ta="right">{t('reports.review.slaBreaches')}</Table.Th>
          <Table.Th ta="right">{t('reports.review.handling')}</Table.Th>
          <Table.Th ta="right">{t('reports.review.turnaround')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(({ key, label, counts }) => (
          <Table.Tr key={key}>
            <Table.Td>{label}</Table.Td>
            {withTasksIn && <Table.Td ta="right">{formatCount(counts.tasksIn ?? 0, locale)}</Table.Td>}
            <Table.Td ta="right">{formatCount(counts.decided, locale)}</Table.Td>
            {actions.map((action) => (
              <Table.Td key={action} ta="right">
                {formatCount(counts[action], locale)}
              </Table.Td>
            ))}
            <Table.Td ta="right">{formatCount(counts.withoutOutcome, locale)}</Table.Td>
            <Table.Td ta="right" c={counts.slaBreaches > 0 ? 'red' : undefined}>
              {formatCount(counts.slaBreaches, locale)}
            </Table.Td>
            <Table.Td ta="right">
              {minutes(counts.handlingMedianMinutes)} / {minutes(counts.handlingP90Minutes)}
            </Table.Td>
            <Table.Td ta="right">
              {minutes(counts.turnaroundMedianMinutes)} / {minutes(counts.turnaroundP90Minutes)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Body({ report }: { report: Report }) {
  const { t, locale } = useI18n();
  const minutes = useMinutes();
  const perDay = report.byDay.map((day) => ({ date: day.date.slice(5), ...Object.fromEntries(actions.map((action) => [action, day[action]])) }));
  const handling = report.byDay.map((day) => ({ date: day.date.slice(5), median: day.handlingMedianMinutes, p90: day.handlingP90Minutes }));
  const ages = ['0-2h', '2-8h', '8-24h', '24h+'] as const;
  const backlog = ages.map((age) => ({
    age,
    ...Object.fromEntries(reviewQueues.map((queue) => [queue, report.backlog.find((row) => row.queue === queue && row.age === age)?.count ?? 0])),
  }));
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }} spacing="xs">
        <Stat label={t('reports.review.tasksIn')} value={formatCount(report.totals.tasksIn, locale)} testId="stat-tasks-in" />
        <Stat label={t('reports.review.decided')} value={formatCount(report.totals.decided, locale)} testId="stat-decided" />
        <Stat label={t('reports.review.slaBreaches')} value={formatCount(report.totals.slaBreaches, locale)} color={report.totals.slaBreaches > 0 ? 'red' : undefined} />
        <Stat label={t('reports.review.handling')} value={`${minutes(report.totals.handlingMedianMinutes)} / ${minutes(report.totals.handlingP90Minutes)}`} />
        <Stat label={t('reports.review.escalations')} value={formatCount(report.totals.escalate, locale)} />
        <Stat label={t('reports.review.fourEyes')} value={formatCount(report.fourEyes.awaiting + report.fourEyes.confirmed + report.fourEyes.overruled + report.fourEyes.cancelled, locale)} detail={t('reports.review.fourEyesDetail', report.fourEyes)} />
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {t('reports.review.sla', report.slaMinutes)}
      </Text>
      <Text size="xs" c="dimmed" data-testid="counted-by">
        {t('reports.review.countedBy')}
      </Text>
      <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="md">
        <Paper withBorder p="sm">
          <Title order={6} mb="xs">
            {t('reports.review.perDay')}
          </Title>
          <BarChart h={220} data={perDay} dataKey="date" type="stacked" withLegend series={actions.map((action) => ({ name: action, label: t(`reports.action.${action}`), color: mantineChartColor(actionChartColor[action]) }))} />
        </Paper>
        <Paper withBorder p="sm">
          <Title order={6} mb="xs">
            {t('reports.review.handlingPerDay')}
          </Title>
          <LineChart
            h={220}
            data={handling}
            dataKey="date"
            withLegend
            connectNulls={false}
            series={[
              { name: 'median', label: t('reports.review.median'), color: mantineChartColor(handlingChartColor.median) },
              { name: 'p90', label: 'P90', color: mantineChartColor(handlingChartColor.p90) },
            ]}
          />
        </Paper>
        <Paper withBorder p="sm">
          <Title order={6} mb="xs">
            {t('reports.review.backlog')}
          </Title>
          <BarChart h={220} data={backlog} dataKey="age" type="stacked" withLegend series={reviewQueues.map((queue) => ({ name: queue, label: t(`reports.queue.${queue}`), color: mantineChartColor(queueChartColor[queue]) }))} />
        </Paper>
      </SimpleGrid>
      <Title order={5}>{t('reports.review.byQueue')}</Title>
      <CountsTable first={t('reports.review.queue')} rows={report.byQueue.map((row) => ({ key: row.queue, label: t(`reports.queue.${row.queue}`), counts: row }))} />
      <Title order={5}>{t('reports.review.byReviewer')}</Title>
      {report.byReviewer.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('reports.empty')}
        </Text>
      ) : (
        <CountsTable first={t('reports.review.reviewer')} rows={report.byReviewer.map((row) => ({ key: String(row.operatorId), label: row.name, counts: row }))} />
      )}
      <Title order={5}>{t('reports.review.reasons')}</Title>
      {report.reasons.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('reports.empty')}
        </Text>
      ) : (
        <Table striped withTableBorder fz="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('reports.review.queue')}</Table.Th>
              <Table.Th>{t('reports.review.action')}</Table.Th>
              <Table.Th>{t('reports.review.code')}</Table.Th>
              <Table.Th ta="right">{t('reports.review.count')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.reasons.map((reason) => (
              <Table.Tr key={`${reason.queue}-${reason.action}-${reason.code}`}>
                <Table.Td>{t(`reports.queue.${reason.queue}`)}</Table.Td>
                <Table.Td>{t(`reports.action.${reason.action}`)}</Table.Td>
                <Table.Td>
                  {locale === 'en' ? reason.labelEn : reason.labelZh} <Text span size="xs" c="dimmed">{reason.code}</Text>
                </Table.Td>
                <Table.Td ta="right">{formatCount(reason.count, locale)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** Tasks and decisions by queue, reviewer and day, with the timings supervisors are judged on. */
export function ReviewOperationsReport({ filter }: { filter: ReportFilter }) {
  const { t, locale } = useI18n();
  const report = useRpcQuery('reports:review-operations', filter);
  const exportReport = useRpcMutation('reports:export');
  return (
    <Stack gap="sm">
      <GroupHeader
        note={report.data ? t('reports.asOf', { time: formatDateTime(report.data.asOf, locale) }) : ''}
        exportControl={<ExportControl start={(format, clear) => exportReport.mutateAsync({ report: 'review-operations', filter, format, clear })} />}
      />
      {report.isPending && <Loader size="sm" />}
      {report.isError && <ErrorAlert error={report.error} onRetry={() => void report.refetch()} />}
      {report.data && <Body report={report.data} />}
    </Stack>
  );
}

export function GroupHeader({ note, exportControl }: { note: string; exportControl: ReactNode }) {
  return (
    <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: 12 }}>
      <Text size="xs" c="dimmed">
        {note}
      </Text>
      {exportControl}
    </div>
  );
}
