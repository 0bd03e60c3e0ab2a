import { Group, Text, Tooltip } from '@mantine/core';
import { useInvalidateOn, useRpcQuery } from '../../api/hooks';
import { useSession } from '../../auth/SessionProvider';
import { useI18n } from '../../i18n/I18nProvider';
import { label, reviewQueues } from './shared';

/**
 * Waiting tasks per queue under "Review queues" in the navigation, each with its queue's short name
 * (three bare coloured numbers said nothing), red where some are past their SLA; kept live by pushes.
 */
export function ReviewNavBadge() {
  const { t } = useI18n();
  const { can } = useSession();
  const allowed = can('review:work');
  const counts = useRpcQuery('review:counts', {}, { enabled: allowed, refetchInterval: 60_000 });
  useInvalidateOn('review:changed', ['review:counts']);
  if (!allowed || !counts.data) return null;
  const data = counts.data;
  return (
    <Group gap={8} wrap="nowrap" data-testid="review-nav-counts" component="span">
      {reviewQueues.map((queue) => {
        const entry = data.queues[queue];
        return (
          <Tooltip key={queue} label={`${label(t, 'review.queue', queue)}: ${t('review.nav.waiting', { count: entry.open })}${entry.breached > 0 ? ` · ${t('review.sla.breached')} ${entry.breached}` : ''}`} withArrow>
            <Text span size="xs" c={entry.breached > 0 ? 'red.8' : 'dimmed'} fw={entry.breached > 0 ? 700 : undefined} style={{ whiteSpace: 'nowrap' }} data-testid={`nav-count-${queue}`}>
              {label(t, 'review.queueShort', queue)} {entry.open}
            </Text>
          </Tooltip>
        );
      })}
    </Group>
  );
}
