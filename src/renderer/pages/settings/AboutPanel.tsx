import { Loader, Table } from '@mantine/core';
import { useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';

export function AboutPanel() {
  const { t, locale } = useI18n();
  const info = useRpcQuery('system:info', {});
  if (info.isPending) return <Loader size="sm" />;
  if (info.isError) return <ErrorAlert error={info.error} onRetry={() => void info.refetch()} />;
  const rows: Array<[string, string]> = [
    [t('about.version'), info.data.version],
    [t('about.shell'), t(info.data.shell === 'desktop' ? 'about.shell.desktop' : 'about.shell.headless')],
    [t('about.dataDir'), info.data.dataDir],
    [t('about.schema'), String(info.data.databaseSchemaVersion)],
    [t('about.startedAt'), formatDateTime(info.data.startedAt, locale)],
  ];
  return (
    <Table maw={720} withTableBorder>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={200}>{label}</Table.Th>
            <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
