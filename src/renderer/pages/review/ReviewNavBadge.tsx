import { Badge, Group, Tooltip } from '@mantine/core';
import { useInvalidateOn, useRpcQuery } from '../../api/hooks';
import { useSession } from '../../auth/SessionProvider';
import { useI18n } from '../../i18n/I18nProvider';
import { label, reviewQueues } from './shared';

const queueColors = { contacts: 'teal', face: 'blue', ocr: 'grape' } as const;

/** Waiting tasks per queue next to "Review queues" in the navigation, kept live by pushes. */
export function ReviewNavBadge() {
  const { t } = useI18n();
  const { can } = useSession();
  const allowed = can('review:work');
  const counts = useRpcQuery('review:counts', {}, { enabled: allowed, refetchInterval: 60_000 });
  useInvalidateOn('review:changed', ['review:counts']);
  if (!allowed || !counts.data) return null;
  const data = counts.data;
  return (
    <Group gap={2} wrap="nowrap" data-testid="review-nav-counts">
      {reviewQueues.map((queue) => {
        const entry = data.queues[queue];
        return (
          <Tooltip key={queue} label={`${label(t, 'review.queue', queue)}: ${entry.open}${entry.breached > 0 ? ` · ${t('review.sla.breached')} ${entry.breached}` : ''}`} withArrow>
            <Badge size="xs" variant={entry.breached > 0 ? 'filled' : 'light'} color={entry.breached > 0 ? 'red' : queueColors[queue]} px={4} aria-label={`${label(t, 'review.queue', queue)} ${entry.open}`}>
              {entry.open}
            </Badge>
          </Tooltip>
        );
      })}
    </Group>
  );
}
