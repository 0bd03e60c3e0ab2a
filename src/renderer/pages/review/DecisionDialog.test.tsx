// @vitest-environment jsdom
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReasonCode } from '../../../shared/contracts/review';
import { RpcError } from '../../api/client';
import { renderWithProviders } from '../../testing';
import { DecisionDialog, SnoozeDialog, type DialogAction } from './DecisionDialog';

const reason = (id: number, action: ReasonCode['action'], code: string, labelEn: string): ReasonCode => ({ id, queue: 'ocr', action, code, labelZh: code, labelEn, active: true, sortOrder: id });
const reasons = [reason(1, 'reject', 'ID_FORGED', 'Forged ID'), reason(2, 'reject', 'ID_EXPIRED', 'Expired ID'), reason(3, 'resubmit', 'BLURRY', 'Blurry photo')];

function dialog(action: DialogAction, { offline = false, onSubmit = vi.fn<(input: { reasonCode?: string; note: string }) => Promise<void>>().mockResolvedValue(undefined) } = {}) {
  renderWithProviders(<DecisionDialog action={action} reasons={reasons} offline={offline} onSubmit={onSubmit} onClose={() => undefined} />, { locale: 'en' });
  return { onSubmit, user: userEvent.setup() };
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('the decision dialog', () => {
  it('refuses a rejection without a reason, with a message, and sends nothing', async () => {
    const { onSubmit, user } = dialog('reject');
    await user.click(await screen.findByTestId('decision-submit'));
    expect(screen.getByTestId('decision-error').textContent).toBe('Choose a reason first: a rejection, resubmission or escalation needs one.');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('offers only the reasons of its action, numbered: a digit picks one and Enter sends it with the note', async () => {
    const { onSubmit, user } = dialog('reject');
    const list = await screen.findByTestId('reason-list');
    expect(list.textContent).toContain('Forged ID');
    expect(list.textContent).not.toContain('Blurry photo');
    await user.keyboard('2');
    await user.type(screen.getByLabelText('Note (optional)'), 'expired card');
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(onSubmit).toHaveBeenCalledWith({ reasonCode: 'ID_EXPIRED', note: 'expired card' });
  });

  it('approves without a reason', async () => {
    const { onSubmit, user } = dialog('approve');
    expect(screen.queryByTestId('reason-list')).toBeNull();
    await user.click(await screen.findByTestId('decision-submit'));
    expect(onSubmit).toHaveBeenCalledWith({ reasonCode: undefined, note: '' });
  });

  it('takes a digit and Enter typed before its focus arrives (A then Enter at once): nothing is lost', async () => {
    const { onSubmit } = dialog('reject');
    await screen.findByTestId('decision-dialog');
    // The keys land on the page behind the modal, as they do in the browser before the focus moves in.
    document.body.focus();
    await act(async () => {
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '1', bubbles: true }));
    });
    await act(async () => {
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    });
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ reasonCode: 'ID_FORGED', note: '' }));
  });

  it('keeps the form open with the back end’s refusal in the operator’s language', async () => {
    const onSubmit = vi.fn<(input: { reasonCode?: string; note: string }) => Promise<void>>().mockRejectedValue(new RpcError('CONFLICT', 'The task changed', { reason: 'stale' }));
    const { user } = dialog('approve', { onSubmit });
    await user.click(await screen.findByTestId('decision-submit'));
    const error = await screen.findByTestId('decision-error');
    expect(error.textContent).not.toBe('The task changed');
    expect(error.textContent).not.toBe('');
    expect(screen.getByTestId('decision-dialog')).toBeTruthy();
  });

  it('offline, waits: the button is disabled and Enter sends nothing', async () => {
    const { onSubmit, user } = dialog('approve', { offline: true });
    expect((await screen.findByTestId('decision-submit')).hasAttribute('disabled')).toBe(true);
    await user.keyboard('{Enter}');
    expect(onSubmit).not.toHaveBeenCalled();
  });
});

describe('the snooze dialog', () => {
  it('"tomorrow 09:00" is 09:00 in Shanghai on the next Shanghai day, whatever the UTC date', async () => {
    // 20:30 UTC on 7 December is 04:30 on 8 December in Shanghai: tomorrow there is the 9th.
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 7, 20, 30), toFake: ['Date'] });
    const onSubmit = vi.fn<(input: { until: number; reason: string }) => Promise<void>>().mockResolvedValue(undefined);
    renderWithProviders(<SnoozeDialog opened onSubmit={onSubmit} onClose={() => undefined} />, { locale: 'en' });
    const user = userEvent.setup();
    await user.click((await screen.findAllByLabelText('Until'))[0]!);
    await user.click(await screen.findByRole('option', { name: 'Tomorrow 09:00', hidden: true }));
    await user.type(screen.getByLabelText('Reason'), 'calls back');
    await user.click(screen.getByRole('button', { name: 'Snooze' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalled());
    expect(onSubmit).toHaveBeenCalledWith({ until: Date.UTC(2026, 11, 9, 1, 0), reason: 'calls back' });
  });

  it('refuses a snooze without a reason', async () => {
    const onSubmit = vi.fn<(input: { until: number; reason: string }) => Promise<void>>();
    renderWithProviders(<SnoozeDialog opened onSubmit={onSubmit} onClose={() => undefined} />, { locale: 'en' });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Snooze' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Give a reason for the snooze.');
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
