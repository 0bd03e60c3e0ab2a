import { List, Text } from '@mantine/core';
import type { SyncProblem } from '../../../shared/contracts/sync';
import { formatCount, formatDateTime, formatFen } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { labelOf } from '../../i18n/translate';
import { reportedStatusLabel } from './labels';

/**
 * Why a pass is incomplete, one line per resource, with its numbers: a resource stopped on a
 * cursor fault, or totals that disagree with the institution's and are not explained by
 * quarantine (how many at the institution, how many here, how many quarantine explains, how many
 * nothing explains; the statuses and sums that differ; the re-reads tried and when the next may run).
 */
export function SyncProblems({ problems, compact = false }: { problems: readonly SyncProblem[]; compact?: boolean }) {
  const { t, locale } = useI18n();
  if (problems.length === 0) return null;
  const rereadNote = (problem: Extract<SyncProblem, { kind: 'unreconciled' }>) =>
    // A re-read writes only what the institution serves: it cannot remove a surplus, so none runs.
    problem.unexplained < 0
      ? t('sync.problem.surplusNoReread')
      : problem.rereads > 0
      ? t('sync.problem.rereads', { count: problem.rereads, time: problem.nextRereadAt !== null ? formatDateTime(problem.nextRereadAt, locale) : '—' })
      : t('sync.problem.noReread');
  // Resources re-read together usually share the note: say it once under the list.
  const notes = new Set(problems.flatMap((problem) => (problem.kind === 'unreconciled' ? [rereadNote(problem)] : [])));
  const sharedNote = notes.size === 1 && !compact ? [...notes][0] : null;
  return (
    <>
    <List size="xs" spacing={2} data-testid="sync-problems" c="red">
      {problems.map((problem) => {
        const resource = t(`sync.resource.${problem.resource}`);
        if (problem.kind !== 'unreconciled') {
          return (
            <List.Item key={`${problem.resource}/${problem.kind}`}>
              <Text size="xs" c="red">
                {t(problem.kind === 'cursor_stalled' ? 'sync.problem.cursorStalled' : 'sync.problem.cursorCycle', { resource })}
              </Text>
            </List.Item>
          );
        }
        const details = [
          ...problem.statuses.map((status) => t('sync.problem.status', { status: reportedStatusLabel(t, problem.resource, status.status), local: formatCount(status.local, locale), remote: formatCount(status.remote, locale) })),
          ...problem.amounts.map((amount) =>
            t('sync.problem.amount', { name: labelOf(t, 'sync.amount', amount.name), local: formatFen(amount.local, locale), remote: formatFen(amount.remote, locale) }),
          ),
        ];
        return (
          <List.Item key={`${problem.resource}/unreconciled`}>
            <Text size="xs" c="red">
              {problem.unexplained < 0
                ? // More here than the institution serves: records deleted upstream, kept here.
                  t('sync.problem.surplus', {
                    resource,
                    remote: formatCount(problem.remoteTotal, locale),
                    local: formatCount(problem.localTotal, locale),
                    surplus: formatCount(-problem.unexplained, locale),
                  })
                : t('sync.problem.unreconciled', {
                    resource,
                    remote: formatCount(problem.remoteTotal, locale),
                    local: formatCount(problem.localTotal, locale),
                    quarantined: formatCount(problem.quarantinedOnly, locale),
                    unexplained: formatCount(problem.unexplained, locale),
                  })}
            </Text>
            {!compact && details.length > 0 && (
              <Text size="xs" c="dimmed">
                {details.join(t('sync.problem.separator'))}
              </Text>
            )}
            {!compact && sharedNote === null && (
              <Text size="xs" c="dimmed">
                {rereadNote(problem)}
              </Text>
            )}
          </List.Item>
        );
      })}
    </List>
    {sharedNote !== null && (
      <Text size="xs" c="dimmed">
        {sharedNote}
      </Text>
    )}
    </>
  );
}
