// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Presence } from '../../../shared/contracts/presence';
import type * as clientModule from '../../api/client';
import { rpc } from '../../api/client';
import { renderWithProviders } from '../../testing';
import { PresencePanel } from './PresencePanel';

vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof clientModule>()), rpc: vi.fn(), onEvent: () => () => undefined }));
vi.mock('../../auth/SessionProvider', () => ({ useSession: () => ({ operator: { id: 3 } }) }));
const calls = vi.mocked(rpc);

const now = Date.UTC(2026, 11, 7, 7, 0);
const held = (taskId: number, applicationExternalId: string, stale: boolean) => ({ taskId, queue: 'face' as const, status: 'in_review' as const, applicationExternalId, since: now - 60_000, leaseExpiresAt: now + 60_000, stale });
const presence: Presence = {
  now,
  dayStart: now - 7 * 3_600_000,
  operators: [
    { id: 3, name: '赵敏', role: 'supervisor', online: true, lastSeenAt: now, held: [held(4, 'APP-OWN', false)], decisionsToday: 1 },
    { id: 5, name: '李娜', role: 'reviewer', online: false, lastSeenAt: null, held: [held(2, 'APP-LEFT', true)], decisionsToday: 0 },
  ],
};

beforeEach(() => {
  calls.mockReset();
  calls.mockImplementation(((channel: string) => Promise.resolve(channel === 'presence:list' ? presence : undefined)) as typeof rpc);
});
afterEach(cleanup);

describe('the team now', () => {
  it('offers to release a claim someone else holds, not the supervisor’s own (leaving the task releases it)', async () => {
    renderWithProviders(<PresencePanel />);
    const li = await screen.findByTestId('presence-李娜');
    expect(within(li).getByText('已失效')).toBeTruthy();
    expect(screen.getByTestId('release-2')).toBeTruthy();
    expect(within(screen.getByTestId('presence-赵敏')).getByText('APP-OWN')).toBeTruthy();
    expect(screen.queryByTestId('release-4')).toBeNull();
  });

  it('heads its first column with a word for every role it lists, supervisors too', async () => {
    renderWithProviders(<PresencePanel />);
    await screen.findByTestId('presence-赵敏');
    expect(screen.getAllByRole('columnheader')[0]?.textContent).toBe('人员');
  });
});
