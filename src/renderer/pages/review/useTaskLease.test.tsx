// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as clientModule from '../../api/client';
import { rpc, RpcError } from '../../api/client';
import { useTaskLease } from './useTaskLease';

vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof clientModule>()), rpc: vi.fn() }));
const calls = vi.mocked(rpc);

function mount(props: { held: boolean; onLost?: () => void }) {
  const client = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  return renderHook(({ held }: { held: boolean }) => useTaskLease({ taskId: 7, held, leaseSeconds: 120, onLost: props.onLost ?? (() => undefined) }), { wrapper, initialProps: { held: props.held } });
}

const channels = () => calls.mock.calls.map(([channel]) => channel);

beforeEach(() => {
  vi.useFakeTimers();
  calls.mockReset();
  calls.mockResolvedValue(undefined as never);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('the lease on the task on screen', () => {
  it('is renewed every third of its length while held, and not when not held', async () => {
    const hook = mount({ held: false });
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(channels()).toEqual([]);
    hook.rerender({ held: true });
    await act(() => vi.advanceTimersByTimeAsync(40_000));
    expect(calls.mock.calls).toEqual([['review:renew', { taskId: 7 }]]);
    await act(() => vi.advanceTimersByTimeAsync(40_000));
    expect(channels()).toEqual(['review:renew', 'review:renew']);
  });

  it('tells the reviewer when a renewal finds the lease lost', async () => {
    const onLost = vi.fn();
    calls.mockRejectedValue(new RpcError('CONFLICT', 'lease lost'));
    mount({ held: true, onLost });
    await act(() => vi.advanceTimersByTimeAsync(40_000));
    expect(onLost).toHaveBeenCalledTimes(1);
  });

  it('gives the task back on leaving', async () => {
    const hook = mount({ held: true });
    hook.unmount();
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(calls.mock.calls).toEqual([['review:release', { taskId: 7 }]]);
  });

  it('keeps it when the screen handed the task over itself (decided, skipped)', async () => {
    const hook = mount({ held: true });
    hook.result.current.handOver(true);
    hook.unmount();
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(channels()).toEqual([]);
  });

  it('gives the task back on leaving before the page learned it holds it (claimed by J, left before the task loaded)', async () => {
    const hook = mount({ held: false });
    hook.unmount();
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(calls.mock.calls).toEqual([['review:release', { taskId: 7 }]]);
  });
});
