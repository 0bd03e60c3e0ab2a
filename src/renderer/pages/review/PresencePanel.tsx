import { Anchor, Badge, Button, Group, Loader, Modal, Paper, Stack, Table, Text, Textarea, Title, Tooltip } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { HeldTask, Presence } from '../../../shared/contracts/presence';
import { useConnection, useInvalidateOn, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { useSession } from '../../auth/SessionProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notify } from '../../components/notify';
import { formatDateTime } from '../../i18n/format';
import { useErrorText, useI18n } from '../../i18n/I18nProvider';
import { formatAge, label } from './shared';

type Entry = Presence['operators'][number];

/**
 * The supervisor's view of the team: who is signed in, which task each holds and for how long,
 * decisions today; a held task can be released (a stale claim), with a reason for the audit log.
 */
export function PresencePanel() {
  const { t, locale } = useI18n();
  // A supervisor's own claim is released by leaving the task, not from here ("someone else's").
  const self = useSession().operator?.id;
  const presence = useRpcQuery('presence:list', {}, { refetchInterval: 15_000 });
  useInvalidateOn('review:changed', ['presence:list']);
  const [releasing, setReleasing] = useState<{ entry: Entry; task: HeldTask } | null>(null);
  return (
    <Paper withBorder p="sm" radius="sm" data-testid="presence">
      <Group justify="space-between" mb={6}>
        <Title order={6}>{t('presence.title')}</Title>
        {presence.data && (
          <Text size="xs" c="dimmed">
            {t('presence.summary', { online: presence.data.operators.filter((entry) => entry.online).length, decisions: presence.data.operators.reduce((sum, entry) => sum + entry.decisionsToday, 0) })}
          </Text>
        )}
      </Group>
      {presence.isPending ? (
        <Loader size="xs" />
      ) : presence.isError ? (
        <ErrorAlert error={presence.error} onRetry={() => void presence.refetch()} />
      ) : (
        <Table verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('review.workload.operator')}</Table.Th>
              <Table.Th>{t('presence.state')}</Table.Th>
              <Table.Th>{t('presence.holds')}</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>{t('presence.decisionsToday')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {presence.data.operators.map((entry) => (
              <Table.Tr key={entry.id} data-testid={`presence-${entry.name}`} data-online={entry.online}>
                <Table.Td>
                  <Text size="sm" span>
                    {entry.name}
                  </Text>{' '}
                  <Text span size="xs" c="dimmed">
                    {label(t, 'role', entry.role)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Badge size="xs" color={entry.online ? 'green' : 'gray'} variant={entry.online ? 'filled' : 'light'}>
                      {entry.online ? t('presence.online') : t('presence.offline')}
                    </Badge>
                    {entry.lastSeenAt !== null && (
                      <Text size="xs" c="dimmed" title={formatDateTime(entry.lastSeenAt, locale)}>
                        {presence.data.now - entry.lastSeenAt < 60_000 ? t('presence.justNow') : t('presence.lastSeen', { age: formatAge(presence.data.now - entry.lastSeenAt, t) })}
                      </Text>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  {entry.held.length === 0 ? (
                    <Text size="xs" c="dimmed">
                      —
                    </Text>
                  ) : (
                    <Stack gap={2}>
                      {entry.held.map((task) => (
                        <Group key={task.taskId} gap={6} wrap="nowrap">
                          <Anchor component={Link} to={`/review/task/${task.taskId}`} size="xs" ff="monospace">
                            {task.applicationExternalId}
                          </Anchor>
                          <Text size="xs">
                            {label(t, 'review.queue', task.queue)} · {task.since !== null ? formatAge(presence.data.now - task.since, t) : '—'}
                          </Text>
                          {task.stale && (
                            <Tooltip label={t('presence.staleHint')}>
                              <Badge size="xs" color="orange" variant="light">
                                {t('presence.stale')}
                              </Badge>
                            </Tooltip>
                          )}
                          {entry.id !== self && (
                            <Button size="compact-xs" variant="subtle" color="orange" onClick={() => setReleasing({ entry, task })} data-testid={`release-${task.taskId}`}>
                              {t('presence.release')}
                            </Button>
                          )}
                        </Group>
                      ))}
                    </Stack>
                  )}
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }} data-testid={`decisions-${entry.name}`}>
                  {entry.decisionsToday}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ReleaseDialog target={releasing} onClose={() => setReleasing(null)} />
    </Paper>
  );
}

function ReleaseDialog({ target, onClose }: { target: { entry: Entry; task: HeldTask } | null; onClose(): void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const { online } = useConnection();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const { mutateAsync: releaseClaim } = useRpcMutation('presence:release-claim');
  async function release() {
    if (!target) return;
    setBusy(true);
    try {
      await releaseClaim({ taskId: target.task.taskId, reason });
      notify({ color: 'green', message: t('presence.released', { application: target.task.applicationExternalId }) });
      setReason('');
      onClose();
      await Promise.all(['presence:list', 'review:workload', 'review:counts', 'review:list'].map((name) => queryClient.invalidateQueries({ queryKey: [name] })));
    } catch (error) {
      notify({ color: 'red', message: errorText(error) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={target !== null} onClose={onClose} title={t('presence.release.title')} centered>
      {target && (
        <Stack gap="sm">
          <Text size="sm">{t('presence.release.body', { name: target.entry.name, application: target.task.applicationExternalId })}</Text>
          <Textarea label={t('presence.release.reason')} value={reason} onChange={(event) => setReason(event.currentTarget.value)} maxLength={500} autosize minRows={2} data-testid="release-reason" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('desk.cancel')}
            </Button>
            <Button color="orange" onClick={() => void release()} loading={busy} disabled={!online} data-testid="release-confirm">
              {t('presence.release')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
