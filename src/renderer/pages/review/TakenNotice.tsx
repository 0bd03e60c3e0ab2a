import { Alert, Button, Group, Kbd, Text } from '@mantine/core';
import { useState } from 'react';
import type { TaskDetail } from '../../../shared/contracts/review';
import { useConnection } from '../../api/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { formatAge } from './shared';

/**
 * On an open task page: someone else has taken this task (claimed it meanwhile, or decided it), or
 * the task this reviewer held went back to its queue without them (a supervisor released the claim,
 * or the lease ran out), so say who and offer the next task of the queue instead of a screen whose
 * buttons changed without a word.
 */
export function TakenNotice({ detail, onNext, busy }: { detail: TaskDetail; onNext(): void; busy: boolean }) {
  const { t } = useI18n();
  const { online } = useConnection();
  const task = detail.task;
  // "Decided elsewhere" only for a task that was still to do when this page opened, not for one looked up later.
  const [openedLive] = useState(task.status === 'open' || task.status === 'in_review');
  // Since when this page held the task (null: not yet): losing it is then news, not the page's first state.
  const [heldSince, setHeldSince] = useState(task.heldByMe ? (task.claimedAt ?? 0) : null);
  if (task.heldByMe && heldSince === null) setHeldSince(task.claimedAt ?? 0);
  // The lease's own renewal stops once the refreshed task says it is no longer held, so it is said here.
  const lostHere = heldSince !== null && !task.heldByMe && task.status === 'open';
  const release = lostHere ? detail.timeline.findLast((event) => event.kind === 'released' && event.details.reason === 'supervisor' && event.at >= heldSince) : undefined;
  const releasedBy = release?.operator ?? null;
  const takenBy = task.claimedBy && !task.heldByMe && task.status === 'in_review' ? task.claimedBy : null;
  const decidedElsewhere = openedLive && task.status !== 'open' && task.status !== 'in_review' && !task.canDecide && !task.canSecondDecide;
  if (!takenBy && !decidedElsewhere && !lostHere) return null;
  return (
    <Alert color="orange" variant="light" p="xs" data-testid="task-taken">
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">
          {takenBy
            ? task.claimedAt === null || detail.now - task.claimedAt < 60_000
              ? t('review.taken.claimedJustNow', { name: takenBy.name })
              : t('review.taken.claimed', { name: takenBy.name, age: formatAge(detail.now - task.claimedAt, t) })
            : decidedElsewhere
              ? t('review.taken.decided')
              : releasedBy
                ? t('review.taken.releasedBy', { name: releasedBy.name })
                : t('review.taken.lapsed')}
        </Text>
        <Button size="xs" onClick={onNext} loading={busy} disabled={!online} data-testid="taken-next">
          {t('review.taken.next')} <Kbd ml={4} size="xs">J</Kbd>
        </Button>
      </Group>
    </Alert>
  );
}
