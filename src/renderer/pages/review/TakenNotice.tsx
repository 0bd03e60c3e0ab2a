import { Alert, Button, Group, Kbd, Text } from '@mantine/core';
import { useState } from 'react';
import type { TaskDetail } from '../../../shared/contracts/review';
import { useConnection } from '../../api/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { formatAge } from './shared';

/**
 * On an open task page: someone else has taken this task (claimed it meanwhile, or decided it), so
 * say who and offer the next task of the queue instead of a screen whose buttons are gone.
 */
export function TakenNotice({ detail, onNext, busy }: { detail: TaskDetail; onNext(): void; busy: boolean }) {
  const { t } = useI18n();
  const { online } = useConnection();
  const task = detail.task;
  // "Decided elsewhere" only for a task that was still to do when this page opened, not for one looked up later.
  const [openedLive] = useState(task.status === 'open' || task.status === 'in_review');
  const takenBy = task.claimedBy && !task.heldByMe && task.status === 'in_review' ? task.claimedBy : null;
  const decidedElsewhere = openedLive && task.status !== 'open' && task.status !== 'in_review' && !task.canDecide && !task.canSecondDecide;
  if (!takenBy && !decidedElsewhere) return null;
  return (
    <Alert color="orange" variant="light" p="xs" data-testid="task-taken">
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">
          {takenBy
            ? task.claimedAt === null || detail.now - task.claimedAt < 60_000
              ? t('review.taken.claimedJustNow', { name: takenBy.name })
              : t('review.taken.claimed', { name: takenBy.name, age: formatAge(detail.now - task.claimedAt, t) })
            : t('review.taken.decided')}
        </Text>
        <Button size="xs" onClick={onNext} loading={busy} disabled={!online} data-testid="taken-next">
          {t('review.taken.next')} <Kbd ml={4} size="xs">J</Kbd>
        </Button>
      </Group>
    </Alert>
  );
}
