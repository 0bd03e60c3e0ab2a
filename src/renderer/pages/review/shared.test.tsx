// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as clientModule from '../../api/client';
import { rpc, RpcError } from '../../api/client';
import { renderWithProviders } from '../../testing';
import { PersonalValue } from './shared';

vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof clientModule>()), rpc: vi.fn() }));

afterEach(() => {
  cleanup();
  vi.mocked(rpc).mockReset();
});

describe('a masked personal value', () => {
  it('keeps an identifier or date on one line: a masked birth date does not break at its hyphens in a narrow card', () => {
    renderWithProviders(<PersonalValue taskId={7} value={{ value: '****-**-**', revealKey: 'idCheck.submitted.birthDate' }} canReveal mono />);
    expect(screen.getByTestId('pii-idCheck.submitted.birthDate').style.whiteSpace).toBe('nowrap');
  });

  it('says why a reveal was refused in the operator’s language, not the server’s English', async () => {
    vi.mocked(rpc).mockRejectedValue(new RpcError('FORBIDDEN', 'Claim this task (or renew your claim) before revealing its personal data.', { reason: 'not_held' }));
    renderWithProviders(<PersonalValue taskId={7} value={{ value: '李**', revealKey: 'borrower.name' }} canReveal />);
    const button = screen.getByRole('button', { name: '显示明文（将被记录） borrower.name' });
    fireEvent.click(button);
    await waitFor(() => expect(vi.mocked(rpc)).toHaveBeenCalledWith('review:reveal', { taskId: 7, field: 'borrower.name' }));
    await waitFor(() => expect(button.getAttribute('data-loading')).toBeNull());
    fireEvent.mouseEnter(button);
    expect((await screen.findByRole('tooltip')).textContent).toBe('您已不再持有此任务（已释放、改派或已决定），请重新领取。');
    expect(document.body.textContent).not.toContain('Claim this task');
  });
});
