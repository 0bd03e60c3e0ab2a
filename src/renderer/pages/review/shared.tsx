import { ActionIcon, Badge, Group, Text, Tooltip } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useState } from 'react';
import type { PersonalText, ReviewTaskStatus, SlaState } from '../../../shared/contracts/review';
import { findingCatalog, type FindingSeverity, type ReviewQueue } from '../../../shared/domain/findings';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { useErrorText, useI18n, type Translate } from '../../i18n/I18nProvider';
import { labelOf } from '../../i18n/translate';

export { reviewQueues } from '../../../shared/domain/findings';

/** A message by a key built at run time (finding codes, statuses...), or the raw value when there is none. */
export const label = labelOf;

/** Whether a key went to a text field (a shortcut must not steal it). */
export function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/**
 * Whether a key was pressed inside a dialog: it belongs to the dialog, even when the dialog has
 * already closed on it (Esc closes the shortcut help; the page must not also leave the task).
 */
export function insideDialog(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('[role="dialog"]') !== null;
}

export function severityColor(severity: FindingSeverity): string {
  return severity === 'high' ? 'red' : severity === 'warning' ? 'orange' : 'gray';
}

export function severityOf(code: string): FindingSeverity {
  return (findingCatalog as Record<string, { severity: FindingSeverity } | undefined>)[code]?.severity ?? 'info';
}

export function FindingBadge({ code, size = 'sm' }: { code: string; size?: 'xs' | 'sm' }) {
  const { t } = useI18n();
  return (
    <Badge size={size} variant="light" color={severityColor(severityOf(code))} style={{ textTransform: 'none' }}>
      {label(t, 'review.finding', code)}
    </Badge>
  );
}

const statusColors: Record<ReviewTaskStatus, string> = {
  open: 'blue',
  in_review: 'indigo',
  awaiting_second: 'violet',
  escalated: 'grape',
  snoozed: 'gray',
  decided: 'green',
  awaiting_resubmission: 'cyan',
  closed: 'gray',
};

export function StatusBadge({ status }: { status: ReviewTaskStatus }) {
  const { t } = useI18n();
  return (
    <Badge size="sm" variant="light" color={statusColors[status]} style={{ textTransform: 'none' }} data-testid="task-status">
      {label(t, 'review.status', status)}
    </Badge>
  );
}

export function SlaBadge({ sla, live }: { sla: SlaState; live: boolean }) {
  const { t } = useI18n();
  if (!live) return null;
  if (sla === 'within') return <Text size="xs" c="dimmed">{t('review.sla.within')}</Text>;
  return (
    <Badge size="sm" variant="filled" color={sla === 'breached' ? 'red' : 'orange'} style={{ textTransform: 'none' }}>
      {t(sla === 'breached' ? 'review.sla.breached' : 'review.sla.due_soon')}
    </Badge>
  );
}

/** "3 min", "2 h 5 min", "3 d 4 h". */
export function formatAge(ms: number, t: Translate): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return t('review.age.minutes', { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('review.age.hours', { hours, minutes: minutes % 60 });
  return t('review.age.days', { days: Math.floor(hours / 24), hours: hours % 24 });
}

/**
 * A personal value, masked, with a one-click reveal when the operator may reveal it (the back end
 * records every reveal). The revealed value stays until the task changes.
 */
export function PersonalValue({ taskId, value, canReveal, mono = false, size = 'sm' }: { taskId: number; value: PersonalText; canReveal: boolean; mono?: boolean; size?: 'xs' | 'sm' }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [revealed, setRevealed] = useState<{ key: string; value: string } | null>(null);
  const reveal = useRpcMutation('review:reveal');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const revealKey = value.revealKey;
  const shown = revealed && revealed.key === `${taskId}:${revealKey}` ? revealed.value : value.value;
  return (
    <Group gap={2} wrap="nowrap" style={{ display: 'inline-flex' }}>
      {/* An identifier or a date (mono) stays whole: a masked birth date broke at its hyphens in a narrow card. */}
      <Text size={size} ff={mono ? 'monospace' : undefined} span style={mono ? { whiteSpace: 'nowrap' } : undefined} data-testid={revealKey ? `pii-${revealKey}` : undefined}>
        {shown || '—'}
      </Text>
      {revealKey && canReveal && !revealed && (
        <Tooltip label={error ?? t('review.reveal')} withArrow>
          <ActionIcon
            size="xs"
            variant="subtle"
            color={error ? 'red' : 'gray'}
            loading={busy}
            aria-label={`${t('review.reveal')} ${revealKey}`}
            onClick={() => {
              setBusy(true);
              reveal
                .mutateAsync({ taskId, field: revealKey })
                .then((result) => setRevealed({ key: `${taskId}:${revealKey}`, value: result.value }))
                .catch((failure: unknown) => setError(errorText(failure)))
                .finally(() => setBusy(false));
            }}
          >
            <IconEye size={12} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}

/** The label of a reason code in the operator's language (codes stay as they are when unknown). */
export function useReasonLabel(): (queue: ReviewQueue, code: string | null) => string {
  const { locale } = useI18n();
  const codes = useRpcQuery('review:reason-codes', { includeInactive: true }, { staleTime: 5 * 60_000 });
  return (queue, code) => {
    if (code === null) return '—';
    const found = codes.data?.find((row) => row.queue === queue && row.code === code);
    return found ? (locale === 'zh-CN' ? found.labelZh : found.labelEn) : code;
  };
}
