import { Badge, Group, Tabs } from '@mantine/core';
import { Navigate, Route, Routes, useLocation, useNavigate, useParams } from 'react-router';
import type { ReviewQueue } from '../../../shared/domain/findings';
import { useInvalidateOn, useRpcQuery } from '../../api/hooks';
import { useSession } from '../../auth/SessionProvider';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n/I18nProvider';
import { InboxPage } from './Inbox.page';
import { QueuePage } from './Queue.page';
import { label, reviewQueues } from './shared';
import { TaskPage } from './Task.page';

/** Queue tabs with live counts (waiting, and how many are past their SLA), plus the supervisors' inbox. */
function ReviewTabs({ active }: { active: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const navigate = useNavigate();
  const counts = useRpcQuery('review:counts', {}, { refetchInterval: 60_000 });
  useInvalidateOn('review:changed', ['review:counts']);
  return (
    <Tabs value={active} onChange={(value) => value && navigate(`/review/${value}`)} mb="xs">
      <Tabs.List>
        {reviewQueues.map((queue) => {
          const entry = counts.data?.queues[queue];
          return (
            <Tabs.Tab
              key={queue}
              value={queue}
              data-testid={`tab-${queue}`}
              rightSection={
                entry ? (
                  <Group gap={4} wrap="nowrap">
                    <Badge size="sm" variant="light" data-testid={`count-${queue}`}>
                      {entry.open}
                    </Badge>
                    {entry.breached > 0 && (
                      <Badge size="sm" color="red" variant="filled" title={t('review.sla.breached')}>
                        {entry.breached}
                        {entry.slaCapped ? '+' : ''}
                      </Badge>
                    )}
                    {entry.dueSoon > 0 && (
                      <Badge size="sm" color="orange" variant="filled" title={t('review.sla.due_soon')}>
                        {entry.dueSoon}
                      </Badge>
                    )}
                  </Group>
                ) : null
              }
            >
              {label(t, 'review.queue', queue)}
            </Tabs.Tab>
          );
        })}
        {can('review:supervise') && (
          <Tabs.Tab value="inbox" data-testid="tab-inbox" rightSection={counts.data ? <Badge size="sm" color="violet" variant="light">{counts.data.inbox}</Badge> : null}>
            {t('review.inbox.tab')}
          </Tabs.Tab>
        )}
      </Tabs.List>
    </Tabs>
  );
}

function QueueRoute() {
  const { t } = useI18n();
  const { queue } = useParams();
  if (!reviewQueues.includes(queue as ReviewQueue)) return <Navigate to="/review/contacts" replace />;
  return <QueuePage key={queue} queue={queue as ReviewQueue} title={t('review.title')} tabs={<ReviewTabs active={queue as string} />} />;
}

function InboxRoute() {
  const { t } = useI18n();
  const { can } = useSession();
  if (!can('review:supervise')) return <Navigate to="/review/contacts" replace />;
  return (
    <>
      <PageHeader title={t('review.title')} />
      <ReviewTabs active="inbox" />
      <InboxPage />
    </>
  );
}

/** /review/<queue>, /review/inbox and /review/task/<id>. */
export function ReviewPage() {
  const location = useLocation();
  return (
    <Routes location={location}>
      <Route index element={<Navigate to="contacts" replace />} />
      <Route path="inbox" element={<InboxRoute />} />
      <Route path="task/:taskId" element={<TaskPage />} />
      <Route path=":queue" element={<QueueRoute />} />
    </Routes>
  );
}
