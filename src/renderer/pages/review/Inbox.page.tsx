import { Anchor, Badge, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { type ReviewQueue, reviewQueues } from '../../../shared/domain/findings';
import { useInvalidateOn, useRpcQuery } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { PresencePanel } from './PresencePanel';
import { formatAge, label, SlaBadge, useReasonLabel } from './shared';

/** The supervisors' inbox: escalations and approvals waiting for a second decision; and who holds what. */
export function InboxPage() {
  const { t, locale } = useI18n();
  const inbox = useRpcQuery('review:inbox', {});
  const workload = useRpcQuery('review:workload', {});
  const reasonLabel = useReasonLabel();
  useInvalidateOn('review:changed', ['review:inbox', 'review:workload']);
  if (inbox.isPending) return <Loader size="sm" />;
  if (inbox.isError) return <ErrorAlert error={inbox.error} onRetry={() => void inbox.refetch()} />;
  const { escalated, awaitingSecond, now } = inbox.data;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, xl: 2 }} spacing="sm">
        <InboxTable
          testId="inbox-second"
          title={t('review.inbox.awaitingSecond', { count: awaitingSecond.length })}
          rows={awaitingSecond}
          headers={[t('review.inbox.firstDecision'), t('review.inbox.why'), t('review.column.age')]}
          cells={(row) => [
            row.waitingDecision ? `${row.waitingDecision.operator.name} · ${formatDateTime(row.waitingDecision.decidedAt, locale)}` : '—',
            <Group gap={4}>
              {row.waitingDecision?.fourEyesReasons.map((reason) => (
                <Badge key={reason} size="xs" color="violet" variant="light" style={{ textTransform: 'none' }}>
                  {label(t, 'review.fourEyes', reason)}
                </Badge>
              ))}
            </Group>,
            formatAge(now - row.queuedAt, t),
          ]}
        />
        <InboxTable
          testId="inbox-escalated"
          title={t('review.inbox.escalated', { count: escalated.length })}
          rows={escalated}
          headers={[t('review.inbox.escalatedBy'), t('review.inbox.reason'), t('review.column.sla')]}
          cells={(row) => [
            row.escalation ? `${row.escalation.operator.name} · ${formatDateTime(row.escalation.decidedAt, locale)}` : '—',
            <>
              <Text size="sm">{reasonLabel(row.queue, row.escalation?.reasonCode ?? null)}</Text>
              {row.escalation?.note && (
                <Text size="xs" c="dimmed">
                  “{row.escalation.note}”
                </Text>
              )}
              {row.claimedBy && (
                <Text size="xs" c="orange.8">
                  {t('review.column.holder', { name: row.claimedBy.name })}
                </Text>
              )}
            </>,
            <SlaBadge sla={row.sla} live />,
          ]}
        />
      </SimpleGrid>
      <PresencePanel />
      <Paper withBorder p="sm" radius="sm" data-testid="workload">
        <Title order={6} mb={6}>
          {t('review.workload.title')}
        </Title>
        {workload.isPending ? (
          <Loader size="xs" />
        ) : workload.isError ? (
          <ErrorAlert error={workload.error} />
        ) : (
          <Table verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('review.workload.operator')}</Table.Th>
                <Table.Th>{t('review.workload.holds')}</Table.Th>
                <Table.Th>{t('review.workload.assigned')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {workload.data.map((entry) => (
                <Table.Tr key={entry.operator.id}>
                  <Table.Td>
                    {entry.operator.name}{' '}
                    <Text span size="xs" c="dimmed">
                      {label(t, 'role', entry.operator.role)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {entry.held.length === 0 ? (
                      <Text size="xs" c="dimmed">
                        —
                      </Text>
                    ) : (
                      <Group gap={4}>
                        {entry.held.map((held) => (
                          <Anchor key={held.taskId} component={Link} to={`/review/task/${held.taskId}`} size="xs">
                            {label(t, 'review.queue', held.queue)} #{held.taskId}
                            {held.since ? ` · ${formatAge(now - held.since, t)}` : ''}
                          </Anchor>
                        ))}
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">
                      {reviewQueues.map((queue) => `${label(t, 'review.queue', queue)} ${entry.assigned[queue]}`).join(' · ')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
}

/** One inbox panel: the application (a link to its task) and queue, then the panel's own three columns. */
function InboxTable<Row extends { id: number; applicationExternalId: string; queue: ReviewQueue }>(props: {
  testId: string;
  title: string;
  rows: readonly Row[];
  headers: readonly [string, string, string];
  cells: (row: Row) => readonly [ReactNode, ReactNode, ReactNode];
}) {
  const { t } = useI18n();
  return (
    <Paper withBorder p="sm" radius="sm" data-testid={props.testId}>
      <Title order={6} mb={6}>
        {props.title}
      </Title>
      {props.rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('review.inbox.none')}
        </Text>
      ) : (
        <Table highlightOnHover verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('review.column.application')}</Table.Th>
              <Table.Th>{t('review.column.queue')}</Table.Th>
              {props.headers.map((header) => (
                <Table.Th key={header}>{header}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.rows.map((row) => (
              <Table.Tr key={row.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/review/task/${row.id}`} ff="monospace" size="sm">
                    {row.applicationExternalId}
                  </Anchor>
                </Table.Td>
                <Table.Td>{label(t, 'review.queue', row.queue)}</Table.Td>
                {props.cells(row).map((cell, index) => (
                  <Table.Td key={index}>{cell}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
