import { Alert, Button, Group, Kbd, Modal, Radio, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { decisionNoteMaxLength, type ReasonCode } from '../../../shared/contracts/review';
import { LengthCounter } from '../../components/LengthCounter';
import { RpcError } from '../../api/client';
import type { Locale } from '../../../shared/contracts/auth';
import { addDays, shanghaiAt, shanghaiDate } from '../../../shared/time';
import { errorText } from '../../i18n/errorText';
import { useI18n } from '../../i18n/I18nProvider';
import { label } from './shared';

export type DialogAction = 'approve' | 'reject' | 'resubmit' | 'escalate' | 'confirm' | 'overrule';

/** Which reason list an action uses (overruling an approval is a rejection). */
export function reasonListOf(action: DialogAction): 'reject' | 'resubmit' | 'escalate' | null {
  if (action === 'reject' || action === 'overrule') return 'reject';
  if (action === 'resubmit' || action === 'escalate') return action;
  return null;
}

const actionColors: Record<DialogAction, string> = { approve: 'green', confirm: 'green', reject: 'red', overrule: 'red', resubmit: 'cyan', escalate: 'grape' };

function decisionErrorText(error: unknown, t: ReturnType<typeof useI18n>['t'], locale: Locale): string {
  if (error instanceof RpcError && (error.details as { reason?: string } | undefined)?.reason === 'required') return t('review.decide.reasonRequired');
  return errorText(locale, error);
}

/**
 * The decision form: the closed list of reasons (numbered: keys 1-9 pick, L focuses the list), an
 * optional note, Enter to confirm. A rejection, resubmission or escalation without a reason is
 * refused with a message, here and again by the back end.
 */
export function DecisionDialog(props: {
  action: DialogAction | null;
  reasons: ReasonCode[];
  notice?: string | null;
  /** The back end is unreachable: the form stays open and keeps its input, submitting waits. */
  offline?: boolean;
  onSubmit(input: { reasonCode?: string; note: string }): Promise<void>;
  onClose(): void;
}) {
  const { t } = useI18n();
  const { action, onClose } = props;
  return (
    <Modal
      opened={action !== null}
      onClose={onClose}
      title={action ? <Text fw={700} c={`${actionColors[action]}.8`}>{label(t, 'review.dialog', action)}</Text> : null}
      size="lg"
      centered
    >
      {/* Keyed by the action: each opening starts with no reason, no note and no error. */}
      {action && <DecisionForm key={action} {...props} action={action} />}
    </Modal>
  );
}

/** The parts of a key press the dialog reads (React's event inside it, the DOM's before its focus arrives). */
type DialogKey = { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; target: EventTarget | null; preventDefault(): void };

function DecisionForm({
  action,
  reasons,
  notice,
  offline = false,
  onSubmit,
  onClose,
}: {
  action: DialogAction;
  reasons: ReasonCode[];
  notice?: string | null;
  /** The back end is unreachable: the form stays open and keeps its input, submitting waits. */
  offline?: boolean;
  onSubmit(input: { reasonCode?: string; note: string }): Promise<void>;
  onClose(): void;
}) {
  const { t, locale } = useI18n();
  const [reasonCode, setReasonCode] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const listRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const list = reasonListOf(action);
  const options = list ? reasons.filter((reason) => reason.action === list) : [];

  async function submit() {
    if (busy) return;
    if (list && !reasonCode) {
      setError(t('review.decide.reasonRequired'));
      return;
    }
    // A longer note stays as pasted, marked, until the reviewer shortens it: never cut silently.
    if (note.length > decisionNoteMaxLength || offline) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ reasonCode: reasonCode ?? undefined, note });
    } catch (failure) {
      setError(decisionErrorText(failure, t, locale));
    } finally {
      setBusy(false);
    }
  }

  function focusList() {
    const target = listRef.current?.querySelector<HTMLInputElement>('input[type=radio]:checked') ?? listRef.current?.querySelector<HTMLInputElement>('input[type=radio]');
    target?.focus();
  }

  function onKeyDown(event: DialogKey) {
    const inText = event.target instanceof HTMLTextAreaElement;
    if (event.key === 'Enter' && (!inText || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
      return;
    }
    if (inText || event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^[1-9]$/.test(event.key) && options[Number(event.key) - 1]) {
      event.preventDefault();
      setReasonCode(options[Number(event.key) - 1]?.code ?? null);
      setError(null);
    } else if (event.key.toLowerCase() === 'l') {
      event.preventDefault();
      focusList();
    }
  }

  // A reviewer who types A then Enter (or a digit) at once is faster than the modal's opening:
  // the focus reaches the dialog only after its transition, and keys pressed before that went to
  // the page and were lost. While the dialog is open, a key whose target is outside it is handled
  // as if it were inside.
  const latestKeyDown = useRef(onKeyDown);
  useEffect(() => {
    latestKeyDown.current = onKeyDown;
  });
  useEffect(() => {
    function early(event: globalThis.KeyboardEvent) {
      if (event.target instanceof Node && rootRef.current?.contains(event.target)) return;
      if (event.target instanceof HTMLElement && event.target.closest('[role="dialog"]')) return;
      if (event.key !== 'Enter' && !/^[1-9]$/.test(event.key)) return;
      event.stopPropagation();
      latestKeyDown.current(event);
    }
    window.addEventListener('keydown', early, true);
    return () => window.removeEventListener('keydown', early, true);
  }, []);

  return (
    <Stack gap="sm" onKeyDown={onKeyDown} data-testid="decision-dialog" ref={rootRef}>
      {notice && (
        <Alert color="violet" variant="light" p="xs">
          {notice}
        </Alert>
      )}
      {list && (
        <Radio.Group
          value={reasonCode}
          onChange={(value) => {
            setReasonCode(value);
            setError(null);
          }}
          label={t('review.decide.reason')}
          description={t('review.decide.reasonHint')}
          ref={listRef}
        >
          <Stack gap={6} mt={6} data-testid="reason-list">
            {options.map((reason, index) => (
              <Radio
                key={reason.code}
                value={reason.code}
                // The list takes the focus when the dialog opens: digits and Enter work at once.
                data-autofocus={index === 0 ? true : undefined}
                label={
                  <Group gap={6} wrap="nowrap">
                    {index < 9 && <Kbd size="xs">{index + 1}</Kbd>}
                    <Text size="sm">{locale === 'zh-CN' ? reason.labelZh : reason.labelEn}</Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {reason.code}
                    </Text>
                  </Group>
                }
              />
            ))}
          </Stack>
        </Radio.Group>
      )}
      <Textarea
        label={t('review.decide.note')}
        placeholder={t('review.decide.notePlaceholder')}
        value={note}
        onChange={(event) => setNote(event.currentTarget.value)}
        autosize
        minRows={2}
        maxRows={5}
        error={note.length > decisionNoteMaxLength ? t('review.decide.noteTooLong', { max: decisionNoteMaxLength, over: note.length - decisionNoteMaxLength }) : undefined}
        inputWrapperOrder={['label', 'input', 'error', 'description']}
        description={<LengthCounter value={note} max={decisionNoteMaxLength} testId="note-count" />}
        data-testid="decision-note"
      />
      {error && (
        <Alert color="red" variant="light" p="xs" role="alert" data-testid="decision-error">
          {error}
        </Alert>
      )}
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {t('review.decide.keys')}
        </Text>
        <Group gap="xs">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color={actionColors[action]} loading={busy} disabled={note.length > decisionNoteMaxLength || offline} onClick={() => void submit()} data-testid="decision-submit" data-autofocus={list ? undefined : true}>
            {label(t, 'review.dialogSubmit', action)} <Kbd ml={6} size="xs">Enter</Kbd>
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}

const snoozePresets = [
  { value: '60', minutes: 60 },
  { value: '240', minutes: 240 },
  { value: 'tomorrow', minutes: null },
];

/** Snooze until a time with a reason; the task returns to its queue then. */
export function SnoozeDialog({ opened, onSubmit, onClose }: { opened: boolean; onSubmit(input: { until: number; reason: string }): Promise<void>; onClose(): void }) {
  const { t, locale } = useI18n();
  const [preset, setPreset] = useState<string>('60');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function until(): number {
    const now = Date.now();
    const choice = snoozePresets.find((entry) => entry.value === preset);
    if (choice?.minutes) return now + choice.minutes * 60_000;
    // Tomorrow 09:00 in Asia/Shanghai.
    return shanghaiAt(addDays(shanghaiDate(now), 1), 9);
  }

  async function submit() {
    if (reason.trim() === '') {
      setError(t('review.snooze.reasonRequired'));
      return;
    }
    setBusy(true);
    try {
      await onSubmit({ until: until(), reason: reason.trim() });
      setReason('');
      setError(null);
    } catch (failure) {
      setError(errorText(locale, failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={700}>{t('review.snooze.title')}</Text>} centered>
      <Stack
        gap="sm"
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            void submit();
          }
        }}
      >
        <Select
          label={t('review.snooze.until')}
          data={snoozePresets.map((entry) => ({ value: entry.value, label: label(t, 'review.snooze.preset', entry.value) }))}
          value={preset}
          onChange={(value) => value && setPreset(value)}
          allowDeselect={false}
        />
        <TextInput label={t('review.snooze.reason')} value={reason} onChange={(event) => setReason(event.currentTarget.value)} data-autofocus maxLength={500} />
        {error && (
          <Alert color="red" variant="light" p="xs" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={busy} onClick={() => void submit()}>
            {t('review.snooze.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
