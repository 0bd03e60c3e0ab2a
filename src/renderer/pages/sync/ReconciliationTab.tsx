import { Badge, Loader, Stack, Table, Text } from '@mantine/core';
import type { ReconciliationEntry } from '../../../shared/contracts/sync';
import { useInvalidateOn, useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount, formatDateTime, formatFen } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { labelOf } from '../../i18n/translate';
import { reportedStatusLabel } from './labels';

const outcomeColors: Record<ReconciliationEntry['outcome'], string> = { matched: 'green', explained: 'teal', changing: 'gray', unexplained: 'red', stopped: 'orange' };

/** Local totals against each institution's /v1/stats after its last full pass. */
export function ReconciliationTab() {
  const { t, locale } = useI18n();
  const rows = useRpcQuery('sync:reconciliation', {});
  useInvalidateOn('sync:state', ['sync:reconciliation']);
  if (rows.isPending) return <Loader size="sm" />;
  if (rows.isError) return <ErrorAlert error={rows.error} onRetry={() => void rows.refetch()} />;
  if (rows.data.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('sync.reconciliation.empty')}
      </Text>
    );
  }
  return (
    <Table striped withTableBorder fz="xs" data-testid="sync-reconciliation">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('sync.filter.institution')}</Table.Th>
          <Table.Th>{t('sync.filter.resource')}</Table.Th>
          <Table.Th ta="right">{t('sync.reconciliation.local')}</Table.Th>
          <Table.Th ta="right">{t('sync.reconciliation.remote')}</Table.Th>
          <Table.Th>{t('sync.reconciliation.amounts')}</Table.Th>
          <Table.Th>{t('sync.reconciliation.result')}</Table.Th>
          <Table.Th>{t('sync.reconciliation.checked')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.data.map((row) => (
          <Table.Tr key={`${row.institutionId}/${row.resource}`}>
            <Table.Td ff="monospace">{row.institutionCode}</Table.Td>
            <Table.Td>{t(`sync.resource.${row.resource}`)}</Table.Td>
            <Table.Td ta="right">{formatCount(row.localTotal, locale)}</Table.Td>
            <Table.Td ta="right">{formatCount(row.remoteTotal, locale)}</Table.Td>
            <Table.Td>
              <Stack gap={0}>
                {row.amounts.map((amount) => (
                  <Text key={amount.name} size="xs" c={amount.local === amount.remote ? undefined : 'red'}>
                    {labelOf(t, 'sync.amount', amount.name)}: {formatFen(amount.local, locale)}
                    {amount.local === amount.remote ? '' : ` / ${formatFen(amount.remote, locale)}`}
                  </Text>
                ))}
                {row.statuses.map((status) => (
                  <Text key={status.status} size="xs" c="red">
                    {t('sync.problem.status', { status: reportedStatusLabel(t, row.resource, status.status), local: formatCount(status.local, locale), remote: formatCount(status.remote, locale) })}
                  </Text>
                ))}
                {row.quarantinedOnly > 0 && (
                  <Text size="xs" c="orange">
                    {t('sync.reconciliation.quarantinedOnly', { count: row.quarantinedOnly })}
                  </Text>
                )}
              </Stack>
            </Table.Td>
            <Table.Td>
              <Stack gap={2} align="flex-start">
                <Badge size="xs" variant="light" color={outcomeColors[row.outcome]}>
                  {t(`sync.reconciliation.outcome.${row.outcome}`)}
                </Badge>
                {row.outcome === 'unexplained' && row.unexplained !== 0 && (
                  <Text size="xs" c="red">
                    {row.unexplained < 0
                      ? t('sync.reconciliation.surplus', { count: formatCount(-row.unexplained, locale) })
                      : t('sync.reconciliation.unexplained', { count: formatCount(row.unexplained, locale) })}
                  </Text>
                )}
                {row.reread?.running && (
                  <Text size="xs" c="dimmed">
                    {t('sync.reconciliation.rereadRunning')}
                  </Text>
                )}
                {row.reread !== null && row.reread.failures > 0 && (
                  <Text size="xs" c="dimmed">
                    {t('sync.reconciliation.rereads', { count: row.reread.failures })}
                  </Text>
                )}
              </Stack>
            </Table.Td>
            <Table.Td>{formatDateTime(row.checkedAt, locale)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
