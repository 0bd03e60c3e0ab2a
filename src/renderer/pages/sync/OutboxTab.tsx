import { Badge, Button, Group, Select, Table } from '@mantine/core';
import { notify } from '../../components/notify';
import { useState } from 'react';
import type { OutboxItem } from '../../../shared/contracts/sync';
import { useInvalidateOn, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { PagedQuery } from '../../components/PagedQuery';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { Pager } from './shared';
import { SyncFailure } from './SyncFailure';

const stateColors: Record<OutboxItem['state'], string> = { pending: 'blue', delivered: 'green', failed: 'red' };
const limit = 25;

/** Review decisions on their way to institutions, with their delivery state. */
export function OutboxTab({ canManage }: { canManage: boolean }) {
  const { t, locale } = useI18n();
  const [state, setState] = useState<OutboxItem['state'] | undefined>(undefined);
  const [offset, setOffset] = useState(0);
  const items = useRpcQuery('sync:outbox', { state, limit, offset });
  const retry = useRpcMutation('sync:outbox-retry', { invalidates: ['sync:outbox', 'sync:overview'] });
  useInvalidateOn('sync:state', ['sync:outbox']);
  return (
    <>
      <Select
        size="xs"
        w={160}
        label={t('sync.filter.status')}
        data={[{ value: '', label: t('sync.filter.all') }, ...(['pending', 'failed', 'delivered'] as const).map((value) => ({ value, label: t(`sync.outbox.state.${value}`) }))]}
        value={state ?? ''}
        onChange={(value) => {
          setState(value ? (value as OutboxItem['state']) : undefined);
          setOffset(0);
        }}
        allowDeselect={false}
      />
      <PagedQuery query={items} empty={t('sync.outbox.empty')}>
        {(page) => (
          <>
              <Table striped withTableBorder mt="sm" fz="xs" data-testid="sync-outbox">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('sync.filter.institution')}</Table.Th>
                    <Table.Th>{t('sync.outbox.subject')}</Table.Th>
                    <Table.Th>{t('sync.filter.status')}</Table.Th>
                    <Table.Th ta="right">{t('sync.outbox.attempts')}</Table.Th>
                    <Table.Th>{t('sync.outbox.created')}</Table.Th>
                    <Table.Th>{t('sync.outbox.delivered')}</Table.Th>
                    <Table.Th>{t('sync.outbox.error')}</Table.Th>
                    {canManage && <Table.Th />}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.rows.map((item) => (
                    <Table.Tr key={item.id}>
                      <Table.Td ff="monospace">{item.institutionCode}</Table.Td>
                      <Table.Td ff="monospace">{item.subjectId}</Table.Td>
                      <Table.Td>
                        <Badge size="xs" variant="light" color={item.held ? 'gray' : stateColors[item.state]}>
                          {item.held ? t('sync.outbox.state.held') : t(`sync.outbox.state.${item.state}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td ta="right">{item.attempts}</Table.Td>
                      <Table.Td>{formatDateTime(item.createdAt, locale)}</Table.Td>
                      <Table.Td>{item.held ? t('sync.outbox.heldUntilEnabled') : item.state === 'pending' ? `${t('sync.outbox.next')}: ${formatDateTime(item.nextAttemptAt, locale)}` : formatDateTime(item.deliveredAt, locale)}</Table.Td>
                      <Table.Td maw={320}>
                        <SyncFailure code={item.lastErrorCode} status={item.lastErrorStatus} text={item.lastError} lineClamp={2} />
                      </Table.Td>
                      {canManage && (
                        <Table.Td>
                          {item.state === 'failed' && (
                            <Group justify="flex-end">
                              <Button
                                size="compact-xs"
                                variant="light"
                                loading={retry.isPending}
                                onClick={() => retry.mutate({ ids: [item.id] }, { onSuccess: (result) => notify({ color: 'green', message: t('sync.outbox.requeued', { count: result.requeued }) }) })}
                              >
                                {t('sync.outbox.retry')}
                              </Button>
                            </Group>
                          )}
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Pager offset={offset} limit={limit} total={page.total} onChange={setOffset} />
          </>
        )}
      </PagedQuery>
    </>
  );
}
