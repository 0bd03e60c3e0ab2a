// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as clientModule from '../api/client';
import { rpc, RpcError } from '../api/client';
import { renderWithProviders } from '../testing';
import { ChangePasswordForm } from './ChangePasswordForm';

vi.mock('../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof clientModule>()), rpc: vi.fn() }));
const calls = vi.mocked(rpc);

afterEach(() => {
  cleanup();
  calls.mockReset();
});

function form() {
  const onDone = vi.fn();
  renderWithProviders(<ChangePasswordForm onDone={onDone} />, { locale: 'en' });
  const field = (label: string) => screen.getByLabelText(label, { exact: true });
  // fireEvent.change: typing 201 characters one by one is slow and adds nothing here.
  const fill = (values: Record<string, string>) => Object.entries(values).forEach(([label, value]) => fireEvent.change(field(label), { target: { value } }));
  return { onDone, fill, submit: () => userEvent.setup().click(screen.getByRole('button', { name: 'Change password' })) };
}

describe('changing one’s password', () => {
  it('refuses a new password shorter than 10 or longer than 200 characters, as the back end does', async () => {
    const { fill, submit } = form();
    fill({ 'Current password': 'old-password-1', 'New password': 'short-pw1', 'Confirm new password': 'short-pw1' });
    await submit();
    expect(screen.getByText('A password has 10 to 200 characters.')).toBeTruthy();
    const long = 'x'.repeat(201);
    fill({ 'New password': long, 'Confirm new password': long });
    await submit();
    expect(screen.getByText('A password has 10 to 200 characters.')).toBeTruthy();
    expect(calls).not.toHaveBeenCalled();
  });

  it('refuses a confirmation that differs, and an empty current password', async () => {
    const { fill, submit } = form();
    fill({ 'New password': 'quiet-lantern-7', 'Confirm new password': 'quiet-lantern-8' });
    await submit();
    expect(screen.getByText('The new passwords do not match.')).toBeTruthy();
    expect(screen.getByText('Enter your current password.')).toBeTruthy();
    expect(calls).not.toHaveBeenCalled();
  });

  it('sends the current and the new password, then closes', async () => {
    calls.mockResolvedValue({ changed: true } as never);
    const { fill, submit, onDone } = form();
    fill({ 'Current password': 'old-password-1', 'New password': 'quiet-lantern-7', 'Confirm new password': 'quiet-lantern-7' });
    await submit();
    expect(calls).toHaveBeenCalledWith('auth:change-password', { currentPassword: 'old-password-1', newPassword: 'quiet-lantern-7' });
    expect(onDone).toHaveBeenCalled();
  });

  it('shows the back end’s refusal in the operator’s language', async () => {
    calls.mockRejectedValue(new RpcError('VALIDATION', 'Current password is wrong', { reason: 'current-wrong' }));
    const { fill, submit, onDone } = form();
    fill({ 'Current password': 'not-my-password', 'New password': 'quiet-lantern-7', 'Confirm new password': 'quiet-lantern-7' });
    await submit();
    expect((await screen.findByRole('alert')).textContent).toBe('The current password is wrong.');
    expect(onDone).not.toHaveBeenCalled();
  });
});
