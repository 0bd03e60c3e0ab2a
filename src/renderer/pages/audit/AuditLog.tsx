import { Alert, Badge, Button, Code, Group, Loader, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import type { AuditFilterInput } from '../../../shared/contracts/audit';
import { useRpcInfiniteQuery, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { DateField } from '../../components/DateField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount, formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { labelOf } from '../../i18n/translate';
import { ExportControl } from '../reports/ExportControl';

type Cursor = { at: number; id: number };

/** The audit trail for admins and supervisors: filtered and paged in SQL, newest first, verifiable, exportable. */
export function AuditLog() {
  const { t, locale } = useI18n();
  const [operator, setOperator] = useState('');
  const [action, setAction] = useState<string | null>(null);
  const [targetType, setTargetType] = useState('');
  const [targetId, setTargetId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [typed] = useDebouncedValue({ operator, targetType, targetId }, 300);
  const filter: AuditFilterInput = {
    operator: typed.operator.trim() || undefined,
    action: action ?? undefined,
    targetType: typed.targetType.trim() || undefined,
    targetId: typed.targetId.trim() || undefined,
    from: from || undefined,
    to: to || undefined,
  };
  const actions = useRpcQuery('audit:actions', {});
  const families = [...new Set((actions.data ?? []).map((name) => `${name.split('.')[0]}.`))];
  const pages = useRpcInfiniteQuery('audit:list', filter, {
    input: (after: Cursor | undefined) => ({ filter, after, limit: 50 }),
    firstCursor: undefined,
    nextPage: (last) => last.next ?? undefined,
  });
  const verify = useRpcMutation('audit:verify');
  const exportAudit = useRpcMutation('audit:export');
  const entries = pages.data?.pages.flatMap((page) => page.entries) ?? [];
  const total = pages.data?.pages[0]?.total;

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Group gap="xs" wrap="wrap" align="flex-end">
          <TextInput size="xs" w={130} label={t('audit.operator')} value={operator} onChange={(event) => setOperator(event.currentTarget.value)} />
          <Select
            size="xs"
            w={220}
            label={t('audit.action')}
            placeholder={t('audit.allActions')}
            clearable
            searchable
            data={[
              ...families.map((family) => ({ value: family, label: labelOf(t, 'audit.family', family.slice(0, -1)) })),
              // The code stays in the label: it is what the CLI's export and the logs say.
              ...(actions.data ?? []).map((name) => ({ value: name, label: `${labelOf(t, 'audit.actionName', name)} · ${name}` })),
            ]}
            value={action}
            onChange={setAction}
          />
          <TextInput size="xs" w={120} label={t('audit.targetType')} value={targetType} onChange={(event) => setTargetType(event.currentTarget.value)} />
          <TextInput size="xs" w={110} label={t('audit.targetId')} value={targetId} onChange={(event) => setTargetId(event.currentTarget.value)} />
          <DateField clearable w={140} label={t('reports.from')} value={from || undefined} max={to || undefined} onChange={(value) => setFrom(value ?? '')} />
          <DateField clearable w={140} label={t('reports.to')} value={to || undefined} min={from || undefined} onChange={(value) => setTo(value ?? '')} />
        </Group>
        <Group gap="xs">
          <Button size="xs" variant="light" leftSection={<IconShieldCheck size={14} />} loading={verify.isPending} onClick={() => verify.mutate({})}>
            {t('audit.verify')}
          </Button>
          <ExportControl start={(format, clear) => exportAudit.mutateAsync({ filter, format, clear })} />
        </Group>
      </Group>
      {verify.data && (
        <Alert color={verify.data.ok ? 'green' : 'red'} role="status">
          {verify.data.ok
            ? `${t('audit.verified', { count: formatCount(verify.data.checked, locale) })}${verify.data.head ? ` ${t('audit.head', { head: `${verify.data.head.id}:${verify.data.head.hash}` })}` : ''}`
            : t('audit.broken', { id: verify.data.broken?.id ?? '?', reason: verify.data.broken ? t(`audit.reason.${verify.data.broken.reason}`) : '' })}
        </Alert>
      )}
      {verify.error && <ErrorAlert error={verify.error} />}
      {total !== undefined && (
        <Text size="xs" c="dimmed">
          {t('audit.total', { count: formatCount(total, locale) })}
        </Text>
      )}
      {pages.isPending && <Loader size="sm" />}
      {pages.isError && <ErrorAlert error={pages.error} onRetry={() => void pages.refetch()} />}
      {pages.data && entries.length === 0 && <Text c="dimmed">{t('audit.empty')}</Text>}
      {entries.length > 0 && (
        <Table striped withTableBorder fz="xs" data-testid="audit-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={60}>#</Table.Th>
              <Table.Th w={140}>{t('audit.time')}</Table.Th>
              <Table.Th w={110}>{t('audit.operator')}</Table.Th>
              <Table.Th w={190}>{t('audit.action')}</Table.Th>
              <Table.Th w={130}>{t('audit.target')}</Table.Th>
              <Table.Th>{t('audit.details')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((entry) => (
              <Table.Tr key={entry.id}>
                <Table.Td>{entry.id}</Table.Td>
                <Table.Td>{formatDateTime(entry.at, locale)}</Table.Td>
                <Table.Td>{entry.operatorName ?? <Text span size="xs" c="dimmed">{t('audit.system')}</Text>}</Table.Td>
                <Table.Td>
                  <Badge size="xs" variant="light" tt="none" title={entry.action} color={entry.action.includes('failed') || entry.action.includes('locked') ? 'red' : entry.action.startsWith('exports.') ? 'grape' : 'blue'}>
                    {labelOf(t, 'audit.actionName', entry.action)}
                  </Badge>
                </Table.Td>
                <Table.Td title={entry.targetType ?? undefined}>{entry.targetType ? `${labelOf(t, 'audit.targetTypeName', entry.targetType)} ${entry.targetId ?? ''}` : '—'}</Table.Td>
                <Table.Td>
                  {Object.keys(entry.details).length > 0 && (
                    <Code fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                      {JSON.stringify(entry.details)}
                    </Code>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {pages.hasNextPage && (
        <Button size="xs" variant="subtle" loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
          {t('audit.more')}
        </Button>
      )}
    </Stack>
  );
}
