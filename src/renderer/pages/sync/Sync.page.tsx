import { Alert, Button, Group, Loader, Paper, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { notify } from '../../components/notify';
import { IconPlayerPlay, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { useInvalidateOn, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { useSession } from '../../auth/SessionProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useErrorText, useI18n } from '../../i18n/I18nProvider';
import { InstitutionCard } from './InstitutionCard';
import { OutboxTab } from './OutboxTab';
import { QuarantineTab } from './QuarantineTab';
import { ReconciliationTab } from './ReconciliationTab';
import { RunsTab } from './RunsTab';
import { useSyncProgress } from './useSyncProgress';

/** #/sync: every institution's sync state with live progress, and the history, quarantine, reconciliation and outbox. */
export function SyncPage() {
  const errorText = useErrorText();
  const { t } = useI18n();
  const { can } = useSession();
  const canSync = can('sync:manage');
  const overview = useRpcQuery('sync:overview', {}, { refetchInterval: 15_000 });
  const syncNow = useRpcMutation('sync:now', { invalidates: ['sync:overview'] });
  const startDemo = useRpcMutation('institutions:start-demo', { invalidates: ['sync:overview', 'institutions:list'] });
  const [pending, setPending] = useState<number | 'all' | null>(null);
  const live = useSyncProgress();
  useInvalidateOn('sync:state', ['sync:overview']);

  function requestSync(institutionId?: number) {
    setPending(institutionId ?? 'all');
    syncNow.mutate(
      { institutionId },
      {
        onSuccess: (result) => notify({ color: 'blue', message: t('sync.queuedToast', { count: result.queued.length }) }),
        onError: (error) => notify({ color: 'red', message: errorText(error) }),
        onSettled: () => setPending(null),
      },
    );
  }

  if (overview.isPending) return <Loader />;
  if (overview.isError) return <ErrorAlert error={overview.error} onRetry={() => void overview.refetch()} />;
  const data = overview.data;
  const institutions = data.institutions.map((status) => status.institution);

  return (
    <>
      <PageHeader
        title={t('sync.title')}
        description={t('sync.description')}
        actions={
          canSync && institutions.length > 0 ? (
            <Button size="xs" leftSection={<IconRefresh size={16} />} loading={pending === 'all'} onClick={() => requestSync()}>
              {t('sync.syncAll')}
            </Button>
          ) : undefined
        }
      />
      {institutions.length === 0 ? (
        <Paper withBorder p="lg" radius="sm" data-testid="sync-empty">
          <Stack gap="xs" align="flex-start">
            <Title order={5}>{t('sync.empty.title')}</Title>
            <Text size="sm" c="dimmed">
              {t('sync.empty.body')}
            </Text>
            {can('institutions:manage') && (
              <Group>
                <Button
                  leftSection={<IconPlayerPlay size={16} />}
                  loading={startDemo.isPending}
                  onClick={() =>
                    startDemo.mutate(
                      {},
                      {
                        onSuccess: () => notify({ color: 'green', message: t('sync.demoStarted') }),
                        onError: (error) => notify({ color: 'red', message: errorText(error) }),
                      },
                    )
                  }
                >
                  {t('sync.empty.startDemo')}
                </Button>
                <Button variant="default" component={Link} to="/settings/institutions">
                  {t('sync.empty.configure')}
                </Button>
              </Group>
            )}
          </Stack>
        </Paper>
      ) : (
        <Stack gap="md">
          {!data.background && (
            <Alert color="gray" p="xs">
              {t('sync.background.off')}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="sm">
            {data.institutions.map((status) => {
              const push = live.get(status.institution.id);
              return (
                <InstitutionCard
                  key={status.institution.id}
                  status={status}
                  live={push ? { phase: push.phase, resource: push.resource, fetched: push.fetched, total: push.total, recordsPerSecond: push.recordsPerSecond, etaSeconds: push.etaSeconds, startedAt: push.startedAt } : status.live}
                  canSync={canSync}
                  syncing={pending === status.institution.id}
                  onSync={() => requestSync(status.institution.id)}
                />
              );
            })}
          </SimpleGrid>
          <Text size="xs" c="dimmed" data-testid="sync-outbox-summary">
            {t('sync.outboxSummary', data.outbox)}
          </Text>
          <Tabs defaultValue="runs" keepMounted={false}>
            <Tabs.List mb="sm">
              <Tabs.Tab value="runs">{t('sync.tab.runs')}</Tabs.Tab>
              <Tabs.Tab value="quarantine">{t('sync.tab.quarantine')}</Tabs.Tab>
              <Tabs.Tab value="reconciliation">{t('sync.tab.reconciliation')}</Tabs.Tab>
              <Tabs.Tab value="outbox">{t('sync.tab.outbox')}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="runs">
              <RunsTab institutions={institutions} />
            </Tabs.Panel>
            <Tabs.Panel value="quarantine">
              <QuarantineTab institutions={institutions} canManage={canSync} />
            </Tabs.Panel>
            <Tabs.Panel value="reconciliation">
              <ReconciliationTab />
            </Tabs.Panel>
            <Tabs.Panel value="outbox">
              <OutboxTab canManage={canSync} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </>
  );
}
