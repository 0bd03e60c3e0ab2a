import { BarChart } from '@mantine/charts';
import { Loader, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import type { AuthFunnelReport as Report, ReportFilter } from '../../../shared/contracts/reports';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount, formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { labelOf } from '../../i18n/translate';
import { ExportControl } from './ExportControl';
import { GroupHeader } from './ReviewOperationsReport';

function share(part: number, whole: number): number {
  return whole > 0 ? (part / whole) * 100 : 0;
}

function ProductFunnel({ product }: { product: Report['products'][number] }) {
  const { t, locale } = useI18n();
  const itemLabel = (item: string) => labelOf(t, 'reports.item', item);
  return (
    <Paper withBorder p="sm">
      <Title order={6}>
        {product.institutionName} · {product.productCode}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {t('reports.funnel.applications', {
          count: formatCount(product.applications, locale),
          submitted: formatCount(product.submitted, locale),
          abandoned: formatCount(product.abandoned, locale),
        })}
      </Text>
      <BarChart
        h={180}
        data={product.steps.map((step) => ({ item: itemLabel(step.item), share: Math.round(share(step.completed, product.applications) * 10) / 10 }))}
        dataKey="item"
        series={[{ name: 'share', label: t('reports.funnel.share'), color: 'blue.6' }]}
        valueFormatter={(value) => `${value}%`}
        xAxisProps={{ interval: 0, tick: { fontSize: 11 } }}
        yAxisProps={{ domain: [0, 100] }}
      />
      <Table fz="xs" mt="xs" style={{ fontVariantNumeric: 'tabular-nums' }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('reports.funnel.item')}</Table.Th>
            <Table.Th ta="right">{t('reports.funnel.completed')}</Table.Th>
            <Table.Th w={160}>{t('reports.funnel.share')}</Table.Th>
            <Table.Th ta="right">{t('reports.funnel.failed')}</Table.Th>
            <Table.Th ta="right">{t('reports.funnel.dropped')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {product.steps.map((step) => (
            <Table.Tr key={step.item}>
              <Table.Td>{itemLabel(step.item)}</Table.Td>
              <Table.Td ta="right">{formatCount(step.completed, locale)}</Table.Td>
              <Table.Td>
                <Progress value={share(step.completed, product.applications)} size="sm" aria-label={itemLabel(step.item)} />
                <Text size="xs">{share(step.completed, product.applications).toFixed(1)}%</Text>
              </Table.Td>
              <Table.Td ta="right">{formatCount(step.failed, locale)}</Table.Td>
              <Table.Td ta="right" c={step.droppedHere > 0 ? 'orange' : undefined}>
                {formatCount(step.droppedHere, locale)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

/** Per institution and product: who completes each authentication item, and where borrowers give up. */
export function AuthFunnelReport({ filter }: { filter: ReportFilter }) {
  const { t, locale } = useI18n();
  const report = useRpcQuery('reports:auth-funnel', filter);
  const exportReport = useRpcMutation('reports:export');
  return (
    <Stack gap="sm">
      <GroupHeader
        note={report.data ? t('reports.asOf', { time: formatDateTime(report.data.asOf, locale) }) : ''}
        exportControl={<ExportControl start={(format, clear) => exportReport.mutateAsync({ report: 'auth-funnel', filter, format, clear })} />}
      />
      {report.isPending && <Loader size="sm" />}
      {report.isError && <ErrorAlert error={report.error} onRetry={() => void report.refetch()} />}
      {report.data && report.data.products.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('reports.empty')}
        </Text>
      )}
      {report.data?.products.map((product) => <ProductFunnel key={`${product.institutionId}-${product.productCode}`} product={product} />)}
    </Stack>
  );
}
