// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RpcError } from '../api/client';
import { renderWithProviders } from '../testing';
import { SignInPage } from './SignInPage';

const signIn = vi.fn<(username: string, password: string) => Promise<void>>();
vi.mock('./SessionProvider', () => ({ useSession: () => ({ signIn }) }));

afterEach(() => {
  cleanup();
  signIn.mockReset();
});

function page() {
  renderWithProviders(<SignInPage />, { locale: 'en' });
  return { user: userEvent.setup(), username: screen.getByLabelText('Username'), password: screen.getByLabelText('Password'), submit: screen.getByRole('button', { name: 'Sign in' }) };
}

describe('signing in', () => {
  it('with empty fields says what is missing, by the channel’s own rule, and does not call the back end', async () => {
    const { user, username, submit } = page();
    await user.click(submit);
    expect(screen.getByText('Enter your username.')).toBeTruthy();
    expect(screen.getByText('Enter your password.')).toBeTruthy();
    // Blanks only are an empty username to the back end (it trims): the form agrees.
    await user.type(username, '   ');
    await user.click(submit);
    expect(screen.getByText('Enter your username.')).toBeTruthy();
    expect(signIn).not.toHaveBeenCalled();
  });

  it('sends what was typed', async () => {
    signIn.mockResolvedValue(undefined);
    const { user, username, password, submit } = page();
    await user.type(username, 'grey');
    await user.type(password, 'quiet-lantern-7');
    await user.click(submit);
    expect(signIn).toHaveBeenCalledWith('grey', 'quiet-lantern-7');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('after too many attempts says when to try again, and empties the password', async () => {
    signIn.mockRejectedValue(new RpcError('RATE_LIMITED', 'slow down', { retryAfterMs: 29_500 }));
    const { user, username, password, submit } = page();
    await user.type(username, 'grey');
    await user.type(password, 'wrong-password-1');
    await user.click(submit);
    expect((await screen.findByRole('alert')).textContent).toContain('Try again in 30 s');
    expect((password as HTMLInputElement).value).toBe('');
    expect((username as HTMLInputElement).value).toBe('grey');
  });

  it('a refused password says so without telling which part was wrong', async () => {
    signIn.mockRejectedValue(new RpcError('UNAUTHORIZED', 'no'));
    const { user, username, password, submit } = page();
    await user.type(username, 'grey');
    await user.type(password, 'wrong-password-1');
    await user.click(submit);
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong username or password, or the account is disabled.');
  });
});
