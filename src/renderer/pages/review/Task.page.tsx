import { Alert, Anchor, Badge, Box, Button, Center, Grid, Group, Kbd, Loader, Modal, Paper, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { notify } from '../../components/notify';
import { IconArrowLeft, IconArrowsLeftRight, IconKeyboard, IconRotateClockwise, IconZoomIn, IconZoomOut } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import type { ReviewAction } from '../../../shared/contracts/review';
import { RpcError } from '../../api/client';
import { useConnection, useInvalidateOn, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { useSession } from '../../auth/SessionProvider';
import { markDecided } from './firstSteps';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../i18n/format';
import { useErrorText, useI18n, useT } from '../../i18n/I18nProvider';
import { isNotFound, NotFoundPage, routeId } from '../NotFound.page';
import { ContactsEvidence } from './ContactsEvidence';
import { DecisionDialog, SnoozeDialog, type DialogAction } from './DecisionDialog';
import { FaceEvidence } from './FaceEvidence';
import { defaultView, rotate, zoomIn, zoomOut, type ImageView } from './ImageViewer';
import { OcrEvidence } from './OcrEvidence';
import { TakenNotice } from './TakenNotice';
import { formatAge, label, SlaBadge, StatusBadge } from './shared';
import { ApplicationPanel, FindingsPanel, HistoryPanel, TimelinePanel } from './TaskPanels';
import { shortcutKeys, useReviewShortcuts } from './useReviewShortcuts';
import { useTaskLease } from './useTaskLease';

/** Tasks opened in this sitting, for "previous", and tasks skipped, so "next" does not offer them again. */
const sitting = { visited: [] as number[], skipped: new Set<number>() };

const refreshChannels = ['review:counts', 'review:list', 'review:inbox', 'review:workload'] as const;

export function KeyboardHelp({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useI18n();
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={700}>{t('review.key.title')}</Text>} centered>
      <SimpleGrid cols={2} spacing={6} data-testid="keyboard-help">
        {shortcutKeys.map((shortcut) => (
          <Group key={shortcut.keys} gap="xs" wrap="nowrap">
            <Kbd miw={56} style={{ textAlign: 'center' }}>
              {shortcut.keys}
            </Kbd>
            <Text size="sm">{t(shortcut.label)}</Text>
          </Group>
        ))}
      </SimpleGrid>
    </Modal>
  );
}

/** The reviewer's workspace: one task, all its evidence on one screen, decisions from the keyboard. */
export function TaskPage() {
  const params = useParams();
  const t = useT();
  const taskId = routeId(params.taskId);
  if (taskId === null) return <NotFoundPage title={t('notFound.task')} back={{ to: '/review', label: t('notFound.toQueues') }} />;
  // Keyed by the task: another task starts with a fresh view, no dialog open.
  return <TaskWorkspace key={taskId} taskId={taskId} />;
}

function TaskWorkspace({ taskId }: { taskId: number }) {
  const errorText = useErrorText();
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const detail = useRpcQuery('review:task', { taskId }, { staleTime: 0 });
  const { online } = useConnection();
  const { operator } = useSession();
  const settings = useRpcQuery('review:settings', {}, { staleTime: 60_000 });
  // Only this task's changes (or an unnamed change) refetch it: a team's other decisions do not.
  useInvalidateOn('review:changed', ['review:task'], (change) => !change.taskIds || change.taskIds.includes(taskId));
  const [dialog, setDialog] = useState<DialogAction | null>(null);
  const [snoozing, setSnoozing] = useState(false);
  const [help, setHelp] = useState(false);
  const [view, setView] = useState<ImageView>(defaultView);
  const [swapped, setSwapped] = useState(false);
  const [busy, setBusy] = useState(false);
  const { mutateAsync: claimTask } = useRpcMutation('review:claim');
  const { mutateAsync: nextTask } = useRpcMutation('review:next');
  const { mutateAsync: decide } = useRpcMutation('review:decide');
  const { mutateAsync: secondDecision } = useRpcMutation('review:second-decision');
  const { mutateAsync: snooze } = useRpcMutation('review:snooze');
  const data = detail.data;
  const task = data?.task;
  const held = task?.heldByMe ?? false;

  const refresh = useCallback(async () => {
    await Promise.all(refreshChannels.map((name) => queryClient.invalidateQueries({ queryKey: [name] })));
    await queryClient.invalidateQueries({ queryKey: ['review:task'] });
  }, [queryClient]);

  useEffect(() => {
    if (sitting.visited[sitting.visited.length - 1] !== taskId) sitting.visited.push(taskId);
  }, [taskId]);

  // "Previous" reopens a task the reviewer had: claim it again if nobody took it meanwhile.
  const autoClaim = (location.state as { autoClaim?: boolean } | null)?.autoClaim === true;
  useEffect(() => {
    if (!autoClaim || !task || task.id !== taskId || !task.canClaim) return;
    claimTask({ taskId })
      .then(() => refresh())
      .catch(() => undefined);
  }, [autoClaim, task, taskId, refresh, claimTask]);

  // The lease is renewed while the task is on screen, and given back on leaving.
  const lease = useTaskLease({
    taskId,
    held,
    leaseSeconds: settings.data?.leaseSeconds ?? 120,
    onLost: () => {
      notify({ color: 'orange', message: t('review.leaseLost') });
      void refresh();
    },
  });

  const openTask = useCallback(
    (next: number | null, queue: string, decided?: string) => {
      if (next === null) {
        // The list page does not say what happened to the task just decided: this notice does.
        notify({ color: 'blue', message: decided ? `${decided} · ${t('review.queueEmpty')}` : t('review.queueEmpty') });
        navigate(`/review/${queue}`);
      } else {
        navigate(`/review/task/${next}`, { replace: false });
      }
    },
    [navigate, t],
  );

  const goNext = useCallback(async () => {
    if (!task || busy) return;
    setBusy(true);
    try {
      sitting.skipped.add(task.id);
      lease.handOver(task.heldByMe);
      const result = await nextTask({ queue: task.queue, releaseTaskId: task.heldByMe ? task.id : undefined, excludeTaskIds: [...sitting.skipped].slice(-400) });
      await refresh();
      openTask(result.taskId, task.queue);
    } catch (error) {
      lease.handOver(false);
      notify({ color: 'red', message: errorText(error) });
    } finally {
      setBusy(false);
    }
  }, [task, busy, refresh, openTask, errorText, lease, nextTask]);

  const goPrevious = useCallback(() => {
    const index = sitting.visited.lastIndexOf(taskId);
    const previous = index > 0 ? sitting.visited[index - 1] : undefined;
    if (previous === undefined) {
      notify({ color: 'gray', message: t('review.noPrevious') });
      return;
    }
    sitting.visited.splice(index, 1);
    navigate(`/review/task/${previous}`, { state: { autoClaim: true } });
  }, [taskId, navigate, t]);

  const claim = useCallback(async () => {
    if (!task?.canClaim) return;
    try {
      await claimTask({ taskId });
      await refresh();
    } catch (error) {
      notify({ color: 'red', message: errorText(error) });
    }
  }, [task, taskId, refresh, errorText, claimTask]);

  async function submitDecision(input: { reasonCode?: string; note: string }) {
    if (!task || !dialog) return;
    if (dialog === 'confirm' || dialog === 'overrule') {
      const result = await secondDecision({ taskId, decision: dialog, reasonCode: input.reasonCode, note: input.note, evidenceHash: task.evidenceHash });
      setDialog(null);
      notify({ color: 'green', message: result.applicationOutcome ? t('review.sent', { outcome: label(t, 'review.outcome', result.applicationOutcome) }) : t('review.recorded') });
      await refresh();
      navigate('/review/inbox');
      return;
    }
    const action: ReviewAction = dialog;
    lease.handOver(true);
    try {
      const result = await decide({
        taskId,
        action,
        reasonCode: input.reasonCode,
        note: input.note,
        evidenceHash: task.evidenceHash,
        next: { excludeTaskIds: [...sitting.skipped].slice(-400) },
      });
      setDialog(null);
      if (operator) markDecided(operator.id);
      // No notice: the next task opening is the confirmation (and a notice would sit on this
      // toolbar's buttons); the timeline keeps what was decided.
      await refresh();
      openTask(result.nextTaskId, task.queue, label(t, 'review.outcomeOf', result.outcome));
    } catch (error) {
      lease.handOver(false);
      if (error instanceof RpcError && error.code === 'CONFLICT') void refresh();
      throw error;
    }
  }

  async function submitSnooze(input: { until: number; reason: string }) {
    if (!task) return;
    lease.handOver(true);
    try {
      await snooze({ taskId, until: input.until, reason: input.reason });
      setSnoozing(false);
      notify({ color: 'blue', message: t('review.snoozed', { at: formatDateTime(input.until, locale) }) });
      await refresh();
      navigate(`/review/${task.queue}`);
    } catch (error) {
      lease.handOver(false);
      throw error;
    }
  }

  useReviewShortcuts(
    { task, enabled: dialog === null && !snoozing && !help, online },
    {
      next: () => void goNext(),
      previous: goPrevious,
      claim: () => void claim(),
      decide: setDialog,
      snooze: () => setSnoozing(true),
      view: setView,
      swap: () => setSwapped((value) => !value),
      leave: () => task && navigate(`/review/${task.queue}`),
      toggleHelp: () => setHelp((open) => !open),
    },
  );

  if (isNotFound(detail.error)) return <NotFoundPage title={t('notFound.task')} back={{ to: '/review', label: t('notFound.toQueues') }} />;
  if (detail.isPending) {
    return (
      <Center h={300}>
        <Loader />
      </Center>
    );
  }
  if (detail.isError || !data || !task) return <ErrorAlert error={detail.error} onRetry={() => void detail.refetch()} />;

  const live = ['open', 'in_review', 'escalated', 'snoozed', 'awaiting_second'].includes(task.status);
  const fourEyesNotice = dialog === 'approve' && task.fourEyesOnApprove.length > 0 ? t('review.fourEyes.notice', { reasons: task.fourEyesOnApprove.map((reason) => label(t, 'review.fourEyes', reason)).join(t('common.listSeparator')) }) : null;
  const waitingNotice =
    (dialog === 'confirm' || dialog === 'overrule') && task.waitingDecision
      ? t('review.fourEyes.waiting', {
          name: task.waitingDecision.operator.name,
          at: formatDateTime(task.waitingDecision.decidedAt, locale),
          reasons: task.waitingDecision.fourEyesReasons.map((reason) => label(t, 'review.fourEyes', reason)).join(t('common.listSeparator')),
        })
      : null;
  const decisionButtons: Array<{ action: DialogAction; key: string; color: string }> = task.canSecondDecide
    ? [
        { action: 'confirm', key: 'A', color: 'green' },
        { action: 'overrule', key: 'R', color: 'red' },
      ]
    : [
        { action: 'approve', key: 'A', color: 'green' },
        { action: 'reject', key: 'R', color: 'red' },
        { action: 'resubmit', key: 'S', color: 'cyan' },
        ...(task.status === 'escalated' ? [] : [{ action: 'escalate' as const, key: 'E', color: 'grape' }]),
      ];

  return (
    <Stack gap="xs" data-testid="task-page" data-task-id={task.id} data-queue={task.queue}>
      <Paper withBorder p={6} radius="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Anchor component={Link} to={`/review/${task.queue}`} size="sm">
              <Group gap={2} wrap="nowrap">
                <IconArrowLeft size={14} />
                {label(t, 'review.queue', task.queue)}
              </Group>
            </Anchor>
            <Text size="sm" fw={700} ff="monospace" data-testid="task-application">
              {task.applicationExternalId}
            </Text>
            <StatusBadge status={task.status} />
            <SlaBadge sla={task.sla} live={live} />
            <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {t('review.task.age', { age: formatAge(data.now - task.queuedAt, t) })}
            </Text>
            {task.claimedBy && !task.heldByMe && (
              <Badge color="orange" variant="light" style={{ textTransform: 'none' }}>
                {t('review.task.heldBy', { name: task.claimedBy.name })}
              </Badge>
            )}
            {task.assignedTo && (
              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {t('review.task.assignedTo', { name: task.assignedTo.name })}
              </Text>
            )}
          </Group>
          <Group gap={4} wrap="nowrap">
            {task.canClaim && (
              <Button size="xs" onClick={() => void claim()} disabled={!online} data-testid="claim">
                {t('review.task.claim')} <Kbd ml={4} size="xs">C</Kbd>
              </Button>
            )}
            {(task.canDecide || task.canSecondDecide) &&
              decisionButtons.map((button) => (
                <Button key={button.action} size="xs" color={button.color} variant={button.action === 'approve' || button.action === 'confirm' ? 'filled' : 'light'} onClick={() => setDialog(button.action)} disabled={!online} title={online ? undefined : t('connection.decisionsWait')} data-testid={`action-${button.action}`}>
                  {label(t, 'review.button', button.action)} <Kbd ml={4} size="xs">{button.key}</Kbd>
                </Button>
              ))}
            {task.canDecide && task.status === 'in_review' && (
              <Button size="xs" variant="default" onClick={() => setSnoozing(true)} disabled={!online} data-testid="action-snooze">
                {t('review.button.snooze')} <Kbd ml={4} size="xs">H</Kbd>
              </Button>
            )}
            <Button size="xs" variant="default" onClick={() => void goNext()} loading={busy} disabled={!online} data-testid="next-task">
              {t('review.button.next')} <Kbd ml={4} size="xs">J</Kbd>
            </Button>
            <Tooltip label={t('review.key.title')}>
              <Button size="xs" variant="subtle" onClick={() => setHelp(true)} aria-label={t('review.key.title')} px={6}>
                <IconKeyboard size={16} /> <Kbd ml={4} size="xs">?</Kbd>
              </Button>
            </Tooltip>
          </Group>
        </Group>
      </Paper>
      <TakenNotice detail={data} onNext={() => void goNext()} busy={busy} />
      {task.returnNote && live && (
        <Alert color="orange" variant="light" p="xs" data-testid="return-note">
          {label(t, 'review.returnNote', task.returnNote)}
        </Alert>
      )}
      {task.waitingDecision && (
        <Alert color="violet" variant="light" p="xs" data-testid="waiting-decision">
          {t('review.fourEyes.waiting', {
            name: task.waitingDecision.operator.name,
            at: formatDateTime(task.waitingDecision.decidedAt, locale),
            reasons: task.waitingDecision.fourEyesReasons.map((reason) => label(t, 'review.fourEyes', reason)).join(t('common.listSeparator')),
          })}
          {task.waitingDecision.note ? ` “${task.waitingDecision.note}”` : ''}
          {!task.canSecondDecide && ` ${t('review.fourEyes.notYou')}`}
        </Alert>
      )}
      <Grid gap="xs">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Box style={{ height: 'calc(100vh - 150px)', overflowY: 'auto' }} pr={4}>
            <Stack gap="xs">
              <FindingsPanel detail={data} />
              {(task.queue === 'face' || task.queue === 'ocr') && (
                <Group gap={4} justify="flex-end">
                  <Tooltip label={`${t('review.key.zoom')} (Z)`}>
                    <Button size="compact-xs" variant="default" onClick={() => setView(zoomIn)} aria-label={t('review.view.zoomIn')}>
                      <IconZoomIn size={14} />
                    </Button>
                  </Tooltip>
                  <Button size="compact-xs" variant="default" onClick={() => setView(zoomOut)} aria-label={t('review.view.zoomOut')}>
                    <IconZoomOut size={14} />
                  </Button>
                  <Tooltip label={`${t('review.key.rotate')} (T)`}>
                    <Button size="compact-xs" variant="default" onClick={() => setView(rotate)} aria-label={t('review.key.rotate')}>
                      <IconRotateClockwise size={14} />
                    </Button>
                  </Tooltip>
                  {task.queue === 'face' && (
                    <Tooltip label={`${t('review.key.swap')} (W)`}>
                      <Button size="compact-xs" variant={swapped ? 'filled' : 'default'} onClick={() => setSwapped((value) => !value)} aria-label={t('review.key.swap')}>
                        <IconArrowsLeftRight size={14} />
                      </Button>
                    </Tooltip>
                  )}
                  <Button size="compact-xs" variant="default" onClick={() => setView(defaultView)}>
                    {t('review.view.reset')}
                  </Button>
                </Group>
              )}
              {task.queue === 'face' &&
                (data.face ? (
                  <FaceEvidence taskId={task.id} face={data.face} canSeeImages={task.canSeeImages} view={view} swapped={swapped} />
                ) : (
                  <Alert color="gray">{t('review.noEvidence')}</Alert>
                ))}
              {task.queue === 'ocr' &&
                (data.ocr ? (
                  <OcrEvidence taskId={task.id} ocr={data.ocr} canSeeImages={task.canSeeImages} canReveal={task.canReveal} view={view} findingCount={data.findings.filter((finding) => finding.queue === 'ocr').length} />
                ) : (
                  <Alert color="gray">{t('review.noEvidence')}</Alert>
                ))}
              {task.queue === 'contacts' &&
                (data.contacts ? <ContactsEvidence taskId={task.id} contacts={data.contacts} canReveal={task.canReveal} /> : <Alert color="gray">{t('review.noEvidence')}</Alert>)}
            </Stack>
          </Box>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Box style={{ height: 'calc(100vh - 150px)', overflowY: 'auto' }} pr={4}>
            <Stack gap="xs">
              <ApplicationPanel detail={data} />
              <HistoryPanel detail={data} />
              <TimelinePanel detail={data} />
            </Stack>
          </Box>
        </Grid.Col>
      </Grid>
      <DecisionDialog action={dialog} reasons={data.reasonCodes} notice={fourEyesNotice ?? waitingNotice} offline={!online} onSubmit={submitDecision} onClose={() => setDialog(null)} />
      <SnoozeDialog opened={snoozing} onSubmit={submitSnooze} onClose={() => setSnoozing(false)} />
      <KeyboardHelp opened={help} onClose={() => setHelp(false)} />
    </Stack>
  );
}


