import { Button, Group, Paper, Progress, Stack, Text, Tooltip } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import type { SyncInstitutionStatus, SyncLive } from '../../../shared/contracts/sync';
import { formatCount, formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { formatSeconds, StateBadge } from './shared';
import { SyncFailure } from './SyncFailure';
import { SyncIgnoredNotes } from './SyncIgnoredNotes';
import { SyncProblems } from './SyncProblems';

/** One institution: its state (and why), live progress, last success, next run, quarantine and reconciliation at a glance. */
export function InstitutionCard({ status, live, canSync, onSync, syncing }: { status: SyncInstitutionStatus; live: SyncLive | null; canSync: boolean; onSync(): void; syncing: boolean }) {
  const { t, locale } = useI18n();
  const { institution } = status;
  const running = live !== null;
  const state = running ? 'syncing' : institution.state;
  const reconciled = status.reconciliation.filter((entry) => entry.matched).length;
  const percent = live?.total ? Math.min(100, (live.fetched / Math.max(1, live.total)) * 100) : 100;
  return (
    <Paper withBorder p="sm" radius="sm" data-testid={`sync-institution-${institution.code}`}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Stack gap={0}>
            <Text fw={600}>{institution.name}</Text>
            <Text size="xs" c="dimmed" ff="monospace">
              {institution.code}
            </Text>
          </Stack>
          <Group gap={6}>
            {status.queued && !running && (
              <Text size="xs" c="dimmed">
                {t('sync.queued')}
              </Text>
            )}
            <StateBadge state={state} />
          </Group>
        </Group>
        {!running && institution.stateReason && (institution.state === 'failed' || institution.state === 'credentials_rejected' || institution.state === 'clock_skew' || institution.state === 'circuit_open') && (
          <div data-testid="sync-reason">
            {institution.state === 'circuit_open' && institution.circuitOpenUntil && (
              <Text size="xs" c="orange">
                {t('sync.circuitUntil', { time: formatDateTime(institution.circuitOpenUntil, locale) })}
              </Text>
            )}
            {institution.state === 'clock_skew' ? (
              <Text size="xs" c="red" lineClamp={3}>
                {t('sync.clockSkewHint')}
              </Text>
            ) : (
              <SyncFailure code={institution.stateReasonCode} status={institution.stateReasonStatus} text={institution.stateReason} lineClamp={3} color={institution.state === 'circuit_open' ? 'orange' : 'red'} />
            )}
          </div>
        )}
        {!running && institution.state === 'incomplete' && <SyncProblems problems={status.lastRun?.problems ?? []} />}
        <SyncIgnoredNotes notes={status.ignored} />
        {live && (
          <Stack gap={2} data-testid="sync-progress">
            <Progress value={percent} animated striped={!live.total} size="sm" aria-label={t('sync.state.syncing')} />
            <Group justify="space-between" gap={4}>
              <Text size="xs">
                {t(`sync.phase.${live.phase}`)}
                {live.resource ? ` · ${t(`sync.resource.${live.resource}`)}` : ''}
              </Text>
              <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
                {live.total
                  ? t('sync.progress', { fetched: formatCount(live.fetched, locale), total: formatCount(live.total, locale) })
                  : t('sync.progressOpen', { fetched: formatCount(live.fetched, locale) })}
              </Text>
            </Group>
            <Group justify="space-between" gap={4}>
              <Text size="xs" c="dimmed">
                {t('sync.rate', { rate: formatCount(Math.round(live.recordsPerSecond), locale) })}
              </Text>
              {live.etaSeconds !== null && (
                <Text size="xs" c="dimmed">
                  {t('sync.eta', { eta: formatSeconds(live.etaSeconds) })}
                </Text>
              )}
            </Group>
          </Stack>
        )}
        <Group justify="space-between" gap={4}>
          <Text size="xs" c="dimmed">
            {t('sync.lastSuccess')}: {institution.lastSuccessAt ? formatDateTime(institution.lastSuccessAt, locale) : t('sync.never')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('sync.nextRun')}: {status.nextRunAt !== null ? formatDateTime(status.nextRunAt, locale) : t('sync.notScheduled')}
          </Text>
        </Group>
        <Group justify="space-between" gap={4}>
          <Text size="xs" c={status.openQuarantine > 0 ? 'orange' : 'dimmed'}>
            {t('sync.openQuarantine', { count: status.openQuarantine })}
          </Text>
          <Tooltip
            label={status.reconciliation.map((entry) => `${t(`sync.resource.${entry.resource}`)}: ${entry.localTotal} / ${entry.remoteTotal}`).join(' · ') || t('sync.notReconciled')}
            multiline
            w={320}
          >
            <Text size="xs" c={status.reconciliation.length > 0 && reconciled < status.reconciliation.length ? 'red' : 'dimmed'} data-testid="sync-reconciled">
              {status.reconciliation.length > 0 ? t('sync.reconciled', { matched: reconciled, total: status.reconciliation.length }) : t('sync.notReconciled')}
            </Text>
          </Tooltip>
        </Group>
        {canSync && (
          <Group justify="flex-end">
            <Button size="compact-xs" variant="light" leftSection={<IconRefresh size={14} />} disabled={!institution.enabled || running} loading={syncing} onClick={onSync}>
              {t('sync.syncNow')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
