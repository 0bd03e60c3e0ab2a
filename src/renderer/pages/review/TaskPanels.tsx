import { Anchor, Badge, Group, Paper, Stack, Table, Text, Timeline, Title, Tooltip } from '@mantine/core';
import { IconCheck, IconCircleDashed, IconClock, IconX } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { TaskDetail, TimelineEvent } from '../../../shared/contracts/review';
import { syncErrorCodes, type SyncErrorCode } from '../../../shared/contracts/sync';
import { formatDateTime, formatFen } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { FindingBadge, label, PersonalValue, reviewQueues, severityOf, useReasonLabel } from './shared';

const severityRank = { high: 2, warning: 1, info: 0 } as const;
import { findingDetail } from './findingDetail';
import { collapseTimeline } from './timeline';

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="sm" radius="sm" data-testid={testId}>
      <Title order={6} mb={6}>
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/** Product, amount, institution, status, the institution's risk decision and the whole checklist. */
export function ApplicationPanel({ detail }: { detail: TaskDetail }) {
  const { t, locale } = useI18n();
  const { application, borrower, task } = detail;
  return (
    <Section title={t('review.application.title')} testId="application-panel">
      <Table withRowBorders={false} verticalSpacing={1}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td c="dimmed" w={92}>
              {t('review.application.number')}
            </Table.Td>
            <Table.Td ff="monospace">{application.externalId}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.application.institution')}</Table.Td>
            <Table.Td>{application.institution.name}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.application.product')}</Table.Td>
            <Table.Td>
              {application.productName} · {label(t, 'review.lineMode', application.lineMode)}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.application.amount')}</Table.Td>
            <Table.Td fw={600}>
              {formatFen(application.requestedAmountFen, locale)} · {t('review.application.term', { months: application.requestedTermMonths })}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.application.status')}</Table.Td>
            <Table.Td>{label(t, 'review.applicationStatus', application.status)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.application.applied')}</Table.Td>
            <Table.Td>{formatDateTime(application.appliedAt, locale)}</Table.Td>
          </Table.Tr>
          {application.risk && (
            <Table.Tr>
              <Table.Td c="dimmed">{t('review.application.risk')}</Table.Td>
              <Table.Td>
                <Text size="sm" c={application.risk.result === 'reject' ? 'red.8' : undefined} fw={application.risk.result === 'reject' ? 700 : undefined}>
                  {label(t, 'review.riskResult', application.risk.result)} · {t('review.application.riskScore', { score: application.risk.score })}
                </Text>
                {application.risk.reasons.map((reason) => (
                  <Text key={reason.code} size="xs" c="dimmed">
                    {reason.code}: {reason.message}
                  </Text>
                ))}
              </Table.Td>
            </Table.Tr>
          )}
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.application.limit')}</Table.Td>
            <Table.Td>{formatFen(application.approvedLimitFen, locale)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.borrower.name')}</Table.Td>
            <Table.Td>
              <Group gap={6} wrap="nowrap">
                <PersonalValue taskId={task.id} value={borrower.name} canReveal={task.canReveal} />
                <Anchor href={`#/borrowers/${borrower.id}`} size="xs">
                  {t('review.borrower.page')}
                </Anchor>
              </Group>
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.borrower.idNumber')}</Table.Td>
            <Table.Td>
              <PersonalValue taskId={task.id} value={borrower.idNumber} canReveal={task.canReveal} mono />
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Td c="dimmed">{t('review.borrower.phone')}</Table.Td>
            <Table.Td>
              <PersonalValue taskId={task.id} value={borrower.phone} canReveal={task.canReveal} mono />
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Text size="xs" fw={600} mt="xs" mb={2}>
        {t('review.checklist.title')}
      </Text>
      <Stack gap={1} data-testid="checklist">
        {application.checklist.map((item) => (
          <Group key={item.item} gap={6} wrap="nowrap" opacity={item.status === 'not_asked' ? 0.5 : 1}>
            {item.status === 'completed' && item.valid ? (
              <IconCheck size={14} color="var(--mantine-color-green-7)" />
            ) : item.status === 'failed' || (item.status === 'completed' && !item.valid) ? (
              <IconX size={14} color="var(--mantine-color-red-7)" />
            ) : item.status === 'in_progress' ? (
              <IconClock size={14} color="var(--mantine-color-orange-7)" />
            ) : (
              <IconCircleDashed size={14} color="var(--mantine-color-gray-5)" />
            )}
            <Text size="xs" style={{ flex: 1 }}>
              {label(t, 'review.item', item.item)}
              {item.required ? '' : ` (${t('review.checklist.optional')})`}
            </Text>
            <Tooltip label={item.validUntil ? t('review.checklist.validUntil', { at: formatDateTime(item.validUntil, locale) }) : label(t, 'review.itemStatus', item.status)} withArrow>
              <Text size="xs" c={item.status === 'completed' && !item.valid ? 'red.8' : 'dimmed'}>
                {item.status === 'completed' && !item.valid ? t('review.checklist.expired') : label(t, 'review.itemStatus', item.status)}
                {item.reusedFrom ? ` · ${t('review.checklist.reused')}` : ''}
              </Text>
            </Tooltip>
          </Group>
        ))}
      </Stack>
    </Section>
  );
}

/** Every finding of the application, this queue's first, with links to the task of each other queue. */
export function FindingsPanel({ detail }: { detail: TaskDetail }) {
  const { t } = useI18n();
  const { task, siblings } = detail;
  // Why the task is here first: this queue's findings, the most severe on top.
  const findings = [...detail.findings].sort((a, b) => severityRank[severityOf(b.code)] - severityRank[severityOf(a.code)]);
  const queues = [task.queue, ...reviewQueues.filter((queue) => queue !== task.queue)];
  return (
    <Section title={t('review.findings.why', { count: findings.filter((finding) => finding.queue === task.queue).length })} testId="findings-panel">
      <Stack gap={6}>
        {queues
          .filter((queue) => findings.some((finding) => finding.queue === queue))
          .map((queue) => {
            const sibling = siblings.find((candidate) => candidate.queue === queue);
            return (
              <Stack key={queue} gap={2}>
                <Group gap={6}>
                  <Text size="xs" fw={700}>
                    {label(t, 'review.queue', queue)}
                  </Text>
                  {queue === task.queue ? (
                    <Badge size="xs" variant="outline" style={{ textTransform: 'none' }}>
                      {t('review.findings.thisTask')}
                    </Badge>
                  ) : sibling ? (
                    <Anchor component={Link} to={`/review/task/${sibling.id}`} size="xs">
                      {t('review.findings.openTask')} · {label(t, 'review.status', sibling.status)}
                    </Anchor>
                  ) : null}
                </Group>
                {findings
                  .filter((finding) => finding.queue === queue)
                  .map((finding, index) => (
                    <Group key={`${finding.code}-${index}`} gap={6} wrap="nowrap" align="flex-start">
                      <FindingBadge code={finding.code} size="xs" />
                      <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                        {findingDetail(finding, t)}
                      </Text>
                    </Group>
                  ))}
              </Stack>
            );
          })}
      </Stack>
    </Section>
  );
}

/**
 * One entry of the borrower's history in the narrow right column: what it is (a number, or a line's
 * figures) over its institution on the left, the amount over the state on the right. Each part keeps
 * to one line: the institution's name is cut with its full name on hover, never the state wrapped
 * one character a line beside a long application number.
 */
function HistoryRow({ main, institution, amount, state, stateColor = 'dimmed', stateWeight }: { main: React.ReactNode; institution: string; amount?: string; state: string; stateColor?: string; stateWeight?: number }) {
  return (
    <Group gap={8} wrap="nowrap" justify="space-between" align="flex-start" py={2} data-testid="history-row">
      <Stack gap={0} style={{ minWidth: 0 }}>
        {main}
        <Text size="xs" c="dimmed" truncate="end" title={institution}>
          {institution}
        </Text>
      </Stack>
      <Stack gap={0} align="flex-end" style={{ flex: 'none' }}>
        {amount !== undefined && (
          <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
            {amount}
          </Text>
        )}
        <Text size="xs" c={stateColor} fw={stateWeight} style={{ whiteSpace: 'nowrap' }} data-testid="history-state">
          {state}
        </Text>
      </Stack>
    </Group>
  );
}

/** The borrower's other applications, lines and loans across institutions. */
export function HistoryPanel({ detail }: { detail: TaskDetail }) {
  const { t, locale } = useI18n();
  const { history } = detail;
  return (
    <Section title={t('review.history.title')} testId="history-panel">
      <Text size="xs" fw={600}>
        {t('review.history.applications', { count: history.applications.length })}
      </Text>
      {history.applications.length === 0 && (
        <Text size="xs" c="dimmed">
          {t('common.none')}
        </Text>
      )}
      {history.applications.map((application) => (
        <HistoryRow
          key={application.id}
          institution={application.institution.name}
          main={
            application.tasks[0] ? (
              <Anchor component={Link} to={`/review/task/${application.tasks[0].id}`} size="xs" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                {application.externalId}
              </Anchor>
            ) : (
              <Text size="xs" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                {application.externalId}
              </Text>
            )
          }
          amount={formatFen(application.requestedAmountFen, locale)}
          state={label(t, 'review.applicationStatus', application.status)}
        />
      ))}
      <Text size="xs" fw={600} mt={6}>
        {t('review.history.lines', { count: history.lines.length })}
      </Text>
      {history.lines.map((line) => (
        <HistoryRow
          key={line.id}
          institution={line.institution.name}
          main={
            <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
              {formatFen(line.availableFen, locale)} / {formatFen(line.limitFen, locale)}
            </Text>
          }
          state={label(t, 'review.lineState', line.state)}
          stateColor={line.state === 'frozen' ? 'red.8' : undefined}
        />
      ))}
      <Text size="xs" fw={600} mt={6}>
        {t('review.history.loans', { count: history.loans.length })}
      </Text>
      {history.loans.map((loan) => (
        <HistoryRow
          key={loan.id}
          institution={loan.institution.name}
          main={
            <Anchor href={`#/loans/${loan.id}`} size="xs" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
              {loan.externalId}
            </Anchor>
          }
          amount={formatFen(loan.outstandingPrincipalFen, locale)}
          state={loan.dpd > 0 ? `${loan.bucket} · ${t('review.history.dpd', { days: loan.dpd })}` : label(t, 'review.orderStatus', loan.status)}
          stateColor={loan.dpd > 0 ? 'red.8' : undefined}
          stateWeight={loan.dpd > 0 ? 700 : undefined}
        />
      ))}
    </Section>
  );
}

function eventText(event: TimelineEvent, t: ReturnType<typeof useI18n>['t'], locale: ReturnType<typeof useI18n>['locale'], reason: (code: string) => string): string {
  const details = event.details;
  const parts: string[] = [];
  if (typeof details.action === 'string') parts.push(label(t, 'review.action', details.action));
  if (typeof details.decision === 'string') parts.push(label(t, 'review.secondDecision', details.decision));
  if (typeof details.reasonCode === 'string') parts.push(reason(details.reasonCode));
  if (typeof details.reason === 'string') parts.push(label(t, 'review.eventReason', details.reason));
  if (typeof details.until === 'number') parts.push(t('review.timeline.until', { at: formatDateTime(details.until, locale) }));
  if (typeof details.toName === 'string') parts.push(`→ ${details.toName}`);
  if (typeof details.field === 'string') parts.push(label(t, 'review.revealField', details.field.replace(/\.\d\./, '.n.')));
  if (typeof details.applicationStatus === 'string') parts.push(label(t, 'review.applicationStatus', details.applicationStatus));
  // A failed delivery: its code in the user's language, the stored English text as the technical detail.
  const code = typeof details.lastErrorCode === 'string' && (syncErrorCodes as readonly string[]).includes(details.lastErrorCode) ? (details.lastErrorCode as SyncErrorCode) : null;
  if (code !== null) parts.push(t(`sync.failure.${code}`, { status: typeof details.lastErrorStatus === 'number' ? details.lastErrorStatus : '—' }));
  if (typeof details.lastError === 'string' && details.lastError !== '') parts.push(code !== null ? t('sync.failure.technical', { detail: details.lastError }) : details.lastError);
  if (typeof details.note === 'string' && details.note !== '') parts.push(`“${details.note}”`);
  return parts.join(' · ');
}

/** Every claim, release, assignment, snooze, decision and delivery, oldest first. */
export function TimelinePanel({ detail }: { detail: TaskDetail }) {
  const { t, locale } = useI18n();
  const reasonLabel = useReasonLabel();
  const reason = (code: string) => reasonLabel(detail.task.queue, code);
  const entries = collapseTimeline(detail.timeline);
  return (
    <Section title={t('review.timeline.title')} testId="timeline">
      <Timeline bulletSize={10} lineWidth={2} active={entries.length}>
        {entries.map((entry) =>
          entry.kind === 'passed' ? (
            <Timeline.Item key={entry.id} title={<Text size="xs" fw={600}>{entry.count > 1 ? t('review.timeline.passedTimes', { count: entry.count }) : t('review.timeline.passed')}</Text>} data-kind="passed" color="gray">
              <Text size="xs" c="dimmed">
                {formatDateTime(entry.at, locale)}
                {entry.count > 1 ? ` – ${formatDateTime(entry.lastAt, locale)}` : ''} · {entry.operator?.name ?? t('review.timeline.system')}
              </Text>
            </Timeline.Item>
          ) : (
            <Timeline.Item key={entry.event.id} title={<Text size="xs" fw={600}>{label(t, 'review.event', entry.event.kind)}</Text>} data-kind={entry.event.kind}>
              <Text size="xs" c="dimmed">
                {formatDateTime(entry.event.at, locale)} · {entry.event.operator?.name ?? t('review.timeline.system')}
              </Text>
              {eventText(entry.event, t, locale, reason) && <Text size="xs">{eventText(entry.event, t, locale, reason)}</Text>}
            </Timeline.Item>
          ),
        )}
      </Timeline>
    </Section>
  );
}
