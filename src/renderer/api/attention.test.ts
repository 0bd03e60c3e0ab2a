// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CreditDeskBridge } from '../../preload/bridge';
import { attendedWindowMs, noteOperatorInput, operatorAttending, watchOperatorInput } from './attention';
import { rpc } from './client';

describe('whether the operator is at the window', () => {
  afterEach(() => {
    vi.useRealTimers();
    delete window.creditdesk;
    Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'visible' });
  });

  it('counts input within the last minute as attended, and not after it', () => {
    noteOperatorInput(1_000_000);
    expect(operatorAttending(1_000_000 + attendedWindowMs)).toBe(true);
    expect(operatorAttending(1_000_000 + attendedWindowMs + 1)).toBe(false);
  });

  it('hears keys, pointer and wheel on the window, and a hidden window is not attended', () => {
    vi.useFakeTimers();
    const stop = watchOperatorInput(window);
    vi.advanceTimersByTime(attendedWindowMs + 1);
    expect(operatorAttending()).toBe(false);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' }));
    expect(operatorAttending()).toBe(true);
    vi.advanceTimersByTime(attendedWindowMs + 1);
    window.dispatchEvent(new WheelEvent('wheel'));
    expect(operatorAttending()).toBe(true);
    Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'hidden' });
    expect(operatorAttending()).toBe(false);
    stop();
  });

  it('sends a call made while nobody is at the window as a background call, and the operator’s own calls as calls', async () => {
    vi.useFakeTimers();
    const invoke = vi.fn<CreditDeskBridge['invoke']>(async () => ({ ok: true, data: { counts: [] } }));
    window.creditdesk = { invoke, on: () => () => undefined };
    noteOperatorInput();
    await rpc('review:counts', {});
    vi.advanceTimersByTime(attendedWindowMs + 1);
    await rpc('review:counts', {});
    window.dispatchEvent(new PointerEvent('pointerdown'));
    await rpc('review:counts', {});
    expect(invoke.mock.calls.map((call) => call[2])).toEqual([{}, { background: true }, {}]);
  });
});
