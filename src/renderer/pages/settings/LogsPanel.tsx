import { Badge, Code, Group, Loader, Select, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { LogEntry } from '../../../shared/contracts/system';
import { useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';

const levelColors: Record<LogEntry['level'], string> = { debug: 'gray', info: 'blue', warn: 'orange', error: 'red' };
const levels: ReadonlyArray<LogEntry['level']> = ['error', 'warn', 'info', 'debug'];

/** The day's log for support; entries are already redacted by the logger. */
export function LogsPanel() {
  const { t, locale } = useI18n();
  const files = useRpcQuery('system:log-files', {});
  const [date, setDate] = useState<string | null>(null);
  const [level, setLevel] = useState<LogEntry['level'] | null>(null);
  const chosen = date ?? files.data?.[0]?.date ?? null;
  const entries = useRpcQuery('system:log-read', { date: chosen ?? '1970-01-01', level: level ?? undefined, limit: 500 }, { enabled: chosen !== null });

  if (files.isPending) return <Loader size="sm" />;
  if (files.isError) return <ErrorAlert error={files.error} onRetry={() => void files.refetch()} />;
  return (
    <>
      <Group mb="sm">
        <Select
          label={t('logs.date')}
          data={files.data.map((file) => ({ value: file.date, label: `${file.date} (${Math.ceil(file.sizeBytes / 1024)} KB)` }))}
          value={chosen}
          onChange={setDate}
          w={220}
        />
        <Select
          label={t('logs.level')}
          placeholder={t('logs.allLevels')}
          clearable
          data={levels.map((value) => ({ value, label: t(`logs.levelName.${value}`) }))}
          value={level}
          onChange={(value) => setLevel(value as LogEntry['level'] | null)}
          w={160}
        />
      </Group>
      {entries.isError && <ErrorAlert error={entries.error} onRetry={() => void entries.refetch()} />}
      {entries.data && entries.data.entries.length === 0 && <Text c="dimmed">{t('logs.empty')}</Text>}
      {entries.data && entries.data.entries.length > 0 && (
        <>
          {entries.data.truncated && (
            <Text size="xs" c="dimmed" mb="xs">
              {t('logs.truncated', { count: entries.data.entries.length })}
            </Text>
          )}
          {/* Fixed layout: a long line of data wraps inside its column instead of widening the table past the page. */}
          <Table striped withTableBorder fz="xs" style={{ tableLayout: 'fixed' }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={90}>{t('logs.time')}</Table.Th>
                <Table.Th w={80}>{t('logs.level')}</Table.Th>
                <Table.Th w={140}>{t('logs.scope')}</Table.Th>
                <Table.Th>{t('logs.message')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.data.entries.map((entry, index) => (
                <Table.Tr key={`${entry.time}-${index}`}>
                  <Table.Td>{formatTime(entry.time, locale)}</Table.Td>
                  <Table.Td>
                    <Badge size="xs" variant="light" color={levelColors[entry.level]}>
                      {t(`logs.levelName.${entry.level}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{entry.scope}</Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    {entry.message}
                    {entry.data && (
                      <Code block fz="xs" mt={4} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                        {JSON.stringify(entry.data)}
                      </Code>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </>
  );
}
