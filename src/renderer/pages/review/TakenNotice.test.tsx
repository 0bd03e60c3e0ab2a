// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskDetail } from '../../../shared/contracts/review';
import { renderWithProviders } from '../../testing';
import { TakenNotice } from './TakenNotice';

afterEach(cleanup);

function detail(task: Partial<TaskDetail['task']>): TaskDetail {
  const now = Date.UTC(2026, 11, 7, 2, 0);
  return { now, timeline: [], task: { id: 7, status: 'in_review', heldByMe: false, claimedBy: null, claimedAt: null, canDecide: false, canSecondDecide: false, ...task } } as unknown as TaskDetail;
}

describe('a task someone else took', () => {
  it('says who took it and since when, and offers the next task', () => {
    const onNext = vi.fn();
    const data = detail({ claimedBy: { id: 2, name: '李四' }, claimedAt: Date.UTC(2026, 11, 7, 1, 57) });
    renderWithProviders(<TakenNotice detail={data} onNext={onNext} busy={false} />);
    expect(screen.getByTestId('task-taken').textContent).toContain('李四 已于 3 分钟前领取此任务');
    fireEvent.click(screen.getByTestId('taken-next'));
    expect(onNext).toHaveBeenCalledTimes(1);
  });

  it('says nothing on the holder’s own screen, nor for a task that was already decided when opened', () => {
    renderWithProviders(<TakenNotice detail={detail({ heldByMe: true, claimedBy: { id: 1, name: '王五' }, claimedAt: 0 })} onNext={() => undefined} busy={false} />);
    renderWithProviders(<TakenNotice detail={detail({ status: 'decided' })} onNext={() => undefined} busy={false} />, { locale: 'en' });
    expect(screen.queryByTestId('task-taken')).toBeNull();
  });

  it('says so when a task open on screen is decided by someone else', () => {
    function Screen() {
      const [status, setStatus] = useState<TaskDetail['task']['status']>('open');
      return (
        <>
          <button onClick={() => setStatus('decided')}>decided elsewhere</button>
          <TakenNotice detail={detail({ status })} onNext={() => undefined} busy={false} />
        </>
      );
    }
    renderWithProviders(<Screen />, { locale: 'en' });
    expect(screen.queryByTestId('task-taken')).toBeNull();
    fireEvent.click(screen.getByText('decided elsewhere'));
    expect(screen.getByTestId('task-taken').textContent).toContain('Someone else has dealt with this task.');
  });

  it('tells the reviewer who held the task on screen when a supervisor released the claim, or when it ran out', () => {
    const claimedAt = Date.UTC(2026, 11, 7, 1, 50);
    const released = { id: 'e9', at: Date.UTC(2026, 11, 7, 1, 58), kind: 'released', operator: { id: 4, name: '赵强' }, details: { reason: 'supervisor', note: '午休' } };
    const held = detail({ status: 'in_review', heldByMe: true, claimedBy: { id: 1, name: '王敏' }, claimedAt, canDecide: true });
    const back = (timeline: TaskDetail['timeline']) => ({ ...detail({ status: 'open', heldByMe: false, claimedBy: null, claimedAt: null }), timeline });
    function Screen({ after }: { after: TaskDetail }) {
      const [current, setCurrent] = useState<TaskDetail>(held);
      return (
        <>
          <button onClick={() => setCurrent(after)}>refreshed</button>
          <TakenNotice detail={current} onNext={() => undefined} busy={false} />
        </>
      );
    }
    renderWithProviders(<Screen after={back([released])} />);
    expect(screen.queryByTestId('task-taken')).toBeNull();
    fireEvent.click(screen.getByText('refreshed'));
    expect(screen.getByTestId('task-taken').textContent).toContain('赵强 释放了您对此任务的领取，任务已回到队列。');
    cleanup();
    // A release before this claim is not the one that ended it: the lease ran out.
    renderWithProviders(<Screen after={back([{ ...released, at: claimedAt - 60_000 }])} />, { locale: 'en' });
    fireEvent.click(screen.getByText('refreshed'));
    expect(screen.getByTestId('task-taken').textContent).toContain('Your claim on this task ran out; it is back in its queue.');
  });

  it('says nothing on a task that was waiting in its queue when the page opened', () => {
    renderWithProviders(<TakenNotice detail={detail({ status: 'open' })} onNext={() => undefined} busy={false} />);
    expect(screen.queryByTestId('task-taken')).toBeNull();
  });
});
