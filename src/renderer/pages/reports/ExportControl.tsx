import { Button, Checkbox, Group, Menu, Paper, Progress, Stack, Text } from '@mantine/core';
import { notify } from '../../components/notify';
import { IconChevronDown, IconDownload, IconX } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import type { ExportFormat, ExportSummary } from '../../../shared/contracts/exports';
import { onEvent } from '../../api/client';
import { useRpcFetch, useRpcMutation } from '../../api/hooks';
import { deliverExport } from '../../api/downloads';
import { useSession } from '../../auth/SessionProvider';
import { formatCount } from '../../i18n/format';
import { useErrorText, useI18n } from '../../i18n/I18nProvider';

interface Job {
  id: number;
  status: ExportSummary['status'];
  rows: number;
  totalRows: number | null;
}

/**
 * Export menu (CSV / XLSX / PDF) with a progress bar and cancel while the file is written in
 * the back end; the finished file is downloaded or saved through the API module.
 */
export function ExportControl({ start, disabled }: { start(format: ExportFormat, clear: boolean): Promise<ExportSummary>; disabled?: boolean }) {
  const errorText = useErrorText();
  const { t, locale } = useI18n();
  const { can } = useSession();
  const [clear, setClear] = useState(false);
  const [job, setJob] = useState<Job | null>(null);
  const [starting, setStarting] = useState(false);
  const fetchRpc = useRpcFetch();
  const cancel = useRpcMutation('exports:cancel');

  const finish = useCallback(
    (finished: Job) => {
      if (finished.status === 'completed') {
        void fetchRpc('exports:get', { id: finished.id })
          .then(async (summary) => {
            const delivery = await deliverExport(finished.id);
            if (delivery.kind === 'saved') notify({ color: 'green', message: t('reports.export.saved', { path: delivery.path }) });
            else if (delivery.kind === 'download') notify({ color: 'green', message: t('reports.export.done', { rows: formatCount(summary.rowCount, locale), file: summary.fileName }) });
          })
          .catch((error: unknown) => notify({ color: 'red', message: t('reports.export.failed', { error: errorText(error) }) }));
      } else if (finished.status === 'cancelled') {
        notify({ color: 'gray', message: t('reports.export.cancelled') });
      } else {
        void fetchRpc('exports:get', { id: finished.id }).then(
          (summary) => notify({ color: 'red', message: t('reports.export.failed', { error: summary.error ?? '' }) }),
          () => undefined,
        );
      }
    },
    [t, locale, errorText, fetchRpc],
  );

  const jobId = job?.id;
  useEffect(() => {
    if (jobId === undefined) return;
    let done = false;
    const apply = (next: Job) => {
      if (done) return;
      if (next.status === 'running') {
        setJob((current) => (current && current.id === jobId ? next : current));
        return;
      }
      done = true;
      setJob(null);
      finish(next);
    };
    const unsubscribe = onEvent('exports:progress', (payload) => {
      if (payload.id === jobId) apply(payload);
    });
    // Pushes may be missed (a reconnecting stream): ask now and then as well.
    const timer = setInterval(() => {
      void fetchRpc('exports:get', { id: jobId }).then((summary) => apply({ id: jobId, status: summary.status, rows: summary.rowCount, totalRows: summary.totalRows }), () => undefined);
    }, 1000);
    return () => {
      done = true;
      unsubscribe();
      clearInterval(timer);
    };
  }, [jobId, finish, fetchRpc]);

  async function begin(format: ExportFormat) {
    setStarting(true);
    try {
      const summary = await start(format, clear);
      setJob({ id: summary.id, status: summary.status, rows: summary.rowCount, totalRows: summary.totalRows });
    } catch (error) {
      notify({ color: 'red', message: t('reports.export.failed', { error: errorText(error) }) });
    } finally {
      setStarting(false);
    }
  }

  if (job) {
    const share = job.totalRows ? Math.min(100, (job.rows / job.totalRows) * 100) : null;
    return (
      <Paper withBorder p="xs" w={320} data-testid="export-progress">
        <Stack gap={4}>
          <Text size="xs">
            {job.totalRows !== null
              ? t('reports.export.runningOf', { rows: formatCount(job.rows, locale), total: formatCount(job.totalRows, locale) })
              : t('reports.export.running', { rows: formatCount(job.rows, locale) })}
          </Text>
          <Progress value={share ?? 100} animated striped={share === null} aria-label={t('reports.export')} />
          <Group justify="flex-end">
            <Button size="compact-xs" variant="subtle" color="red" leftSection={<IconX size={12} />} onClick={() => void cancel.mutateAsync({ id: job.id }).catch(() => undefined)}>
              {t('reports.export.cancel')}
            </Button>
          </Group>
        </Stack>
      </Paper>
    );
  }

  return (
    <Menu position="bottom-end" withinPortal closeOnItemClick>
      <Menu.Target>
        <Button size="xs" leftSection={<IconDownload size={14} />} rightSection={<IconChevronDown size={14} />} loading={starting} disabled={disabled}>
          {t('reports.export')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {(['csv', 'xlsx', 'pdf'] as const).map((format) => (
          <Menu.Item key={format} onClick={() => void begin(format)}>
            {t(`reports.export.${format}`)}
          </Menu.Item>
        ))}
        {can('pii:export-clear') && (
          <>
            <Menu.Divider />
            <Menu.Label>
              <Checkbox size="xs" label={t('reports.export.clear')} checked={clear} onChange={(event) => setClear(event.currentTarget.checked)} />
            </Menu.Label>
          </>
        )}
        <Menu.Divider />
        <Menu.Label maw={260}>{t('reports.export.masked')}</Menu.Label>
      </Menu.Dropdown>
    </Menu>
  );
}
