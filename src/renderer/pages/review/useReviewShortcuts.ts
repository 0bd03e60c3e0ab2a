import { useEffect, useRef } from 'react';
import type { ReviewTaskStatus } from '../../../shared/contracts/review';
import type { MessageKey } from '../../i18n/messages';
import type { DialogAction } from './DecisionDialog';
import { defaultView, rotate, zoomIn, zoomOut, type ImageView } from './ImageViewer';
import { insideDialog, isTyping } from './shared';

/** The single-key shortcuts, shown by "?" (L, 1–9 and Enter belong to the decision dialog). */
export const shortcutKeys: ReadonlyArray<{ keys: string; label: MessageKey }> = [
  { keys: 'J', label: 'review.key.next' },
  { keys: 'K', label: 'review.key.previous' },
  { keys: 'A', label: 'review.key.approve' },
  { keys: 'R', label: 'review.key.reject' },
  { keys: 'S', label: 'review.key.resubmit' },
  { keys: 'E', label: 'review.key.escalate' },
  { keys: 'H', label: 'review.key.snooze' },
  { keys: 'L', label: 'review.key.reasons' },
  { keys: '1–9', label: 'review.key.pickReason' },
  { keys: 'Enter', label: 'review.key.confirm' },
  { keys: 'Z / X', label: 'review.key.zoom' },
  { keys: 'T', label: 'review.key.rotate' },
  { keys: 'W', label: 'review.key.swap' },
  { keys: '0', label: 'review.key.resetView' },
  { keys: 'C', label: 'review.key.claim' },
  { keys: 'Esc', label: 'review.key.close' },
  { keys: '?', label: 'review.key.help' },
];

/** Offline, only the view keys work: a decision or claim would fail, and J/K move tasks. */
const viewKeys = ['z', '+', 'x', '-', 't', 'w', '0', 'escape'];

/** What the keys do; the workspace supplies them. */
export interface ShortcutActions {
  next(): void;
  previous(): void;
  claim(): void;
  /** Opens the decision dialog for an action. */
  decide(action: DialogAction): void;
  snooze(): void;
  view(change: (view: ImageView) => ImageView): void;
  swap(): void;
  /** Back to the task's queue. */
  leave(): void;
  /** Opens or closes the shortcut help. */
  toggleHelp(): void;
}

export interface ShortcutState {
  /** The task on screen, once loaded. */
  task: { canDecide: boolean; canSecondDecide: boolean; status: ReviewTaskStatus } | undefined;
  /** False while a dialog (decision, snooze, help) is open: its keys are its own. */
  enabled: boolean;
  online: boolean;
}

/**
 * The review workspace's single-key shortcuts, on the window. Not while typing in a field, not with
 * a modifier, not inside or while a dialog is open ("?" still toggles the help); offline only the
 * view keys. A decision key opens the dialog only when the task may be decided (or confirmed).
 */
export function useReviewShortcuts(state: ShortcutState, actions: ShortcutActions): void {
  // The latest state and actions without re-adding the listener on every render.
  const latest = useRef({ state, actions });
  useEffect(() => {
    latest.current = { state, actions };
  });

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const { state, actions } = latest.current;
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (event.key === '?') {
        event.preventDefault();
        actions.toggleHelp();
        return;
      }
      const { task } = state;
      if (insideDialog(event.target) || !state.enabled || !task) return;
      const key = event.key.toLowerCase();
      if (!state.online && !viewKeys.includes(key)) return;
      const second = task.canSecondDecide;
      const handlers: Record<string, () => void> = {
        j: actions.next,
        k: actions.previous,
        c: actions.claim,
        a: () => (second ? actions.decide('confirm') : task.canDecide && actions.decide('approve')),
        r: () => (second ? actions.decide('overrule') : task.canDecide && actions.decide('reject')),
        s: () => task.canDecide && actions.decide('resubmit'),
        e: () => task.canDecide && task.status !== 'escalated' && actions.decide('escalate'),
        h: () => task.canDecide && task.status === 'in_review' && actions.snooze(),
        z: () => actions.view(zoomIn),
        '+': () => actions.view(zoomIn),
        x: () => actions.view(zoomOut),
        '-': () => actions.view(zoomOut),
        t: () => actions.view(rotate),
        w: actions.swap,
        '0': () => actions.view(() => defaultView),
        escape: actions.leave,
      };
      const handler = handlers[key];
      if (handler) {
        event.preventDefault();
        handler();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
