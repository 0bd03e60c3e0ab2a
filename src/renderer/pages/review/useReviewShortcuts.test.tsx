// @vitest-environment jsdom
import { cleanup, fireEvent, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultView, zoomIn } from './ImageViewer';
import { useReviewShortcuts, type ShortcutActions, type ShortcutState } from './useReviewShortcuts';

type Task = NonNullable<ShortcutState['task']>;
const inReview: Task = { canDecide: true, canSecondDecide: false, status: 'in_review' };

function actions() {
  return {
    next: vi.fn<ShortcutActions['next']>(),
    previous: vi.fn<ShortcutActions['previous']>(),
    claim: vi.fn<ShortcutActions['claim']>(),
    decide: vi.fn<ShortcutActions['decide']>(),
    snooze: vi.fn<ShortcutActions['snooze']>(),
    view: vi.fn<ShortcutActions['view']>(),
    swap: vi.fn<ShortcutActions['swap']>(),
    leave: vi.fn<ShortcutActions['leave']>(),
    toggleHelp: vi.fn<ShortcutActions['toggleHelp']>(),
  };
}

function mount(state: Partial<ShortcutState> = {}) {
  const spies = actions();
  const hook = renderHook((props: ShortcutState) => useReviewShortcuts(props, spies), { initialProps: { task: inReview, enabled: true, online: true, ...state } });
  return { spies, hook };
}

function press(key: string, target: Element = document.body) {
  fireEvent.keyDown(target, { key });
}

afterEach(() => {
  cleanup();
  document.body.innerHTML = '';
});

describe('the review workspace’s shortcuts', () => {
  it('J asks for the next task, K for the previous, C claims, Esc goes back to the queue', () => {
    const { spies } = mount();
    press('j');
    press('K');
    press('c');
    press('Escape');
    expect(spies.next).toHaveBeenCalledTimes(1);
    expect(spies.previous).toHaveBeenCalledTimes(1);
    expect(spies.claim).toHaveBeenCalledTimes(1);
    expect(spies.leave).toHaveBeenCalledTimes(1);
  });

  it('A and R open approve and reject only when the task can be decided', () => {
    const { spies, hook } = mount();
    press('a');
    press('r');
    expect(spies.decide.mock.calls).toEqual([['approve'], ['reject']]);
    hook.rerender({ task: { canDecide: false, canSecondDecide: false, status: 'open' }, enabled: true, online: true });
    press('a');
    press('r');
    press('s');
    expect(spies.decide).toHaveBeenCalledTimes(2);
  });

  it('A and R confirm or overrule when the task awaits this reviewer’s second decision', () => {
    const { spies } = mount({ task: { canDecide: false, canSecondDecide: true, status: 'awaiting_second' } });
    press('a');
    press('r');
    expect(spies.decide.mock.calls).toEqual([['confirm'], ['overrule']]);
  });

  it('E does not escalate an escalated task, and H snoozes only a task in review', () => {
    const { spies, hook } = mount({ task: { canDecide: true, canSecondDecide: false, status: 'escalated' } });
    press('e');
    press('h');
    expect(spies.decide).not.toHaveBeenCalled();
    expect(spies.snooze).not.toHaveBeenCalled();
    hook.rerender({ task: inReview, enabled: true, online: true });
    press('e');
    press('h');
    expect(spies.decide.mock.calls).toEqual([['escalate']]);
    expect(spies.snooze).toHaveBeenCalledTimes(1);
  });

  it('keys typed in a text field do nothing', () => {
    const { spies } = mount();
    const field = document.body.appendChild(document.createElement('textarea'));
    const input = document.body.appendChild(document.createElement('input'));
    press('a', field);
    press('j', input);
    press('?', input);
    expect(spies.decide).not.toHaveBeenCalled();
    expect(spies.next).not.toHaveBeenCalled();
    expect(spies.toggleHelp).not.toHaveBeenCalled();
  });

  it('with a dialog open, or a key pressed inside one, the keys do nothing', () => {
    const { spies, hook } = mount({ enabled: false });
    press('a');
    press('j');
    press('Escape');
    hook.rerender({ task: inReview, enabled: true, online: true });
    const dialog = document.body.appendChild(document.createElement('div'));
    dialog.setAttribute('role', 'dialog');
    const button = dialog.appendChild(document.createElement('button'));
    press('Escape', button);
    press('r', button);
    expect(spies.decide).not.toHaveBeenCalled();
    expect(spies.next).not.toHaveBeenCalled();
    expect(spies.leave).not.toHaveBeenCalled();
  });

  it('? toggles the help, even while a dialog is open', () => {
    const { spies } = mount({ enabled: false });
    press('?');
    expect(spies.toggleHelp).toHaveBeenCalledTimes(1);
  });

  it('offline, only the view keys work', () => {
    const { spies } = mount({ online: false });
    press('a');
    press('j');
    press('c');
    press('z');
    press('0');
    expect(spies.decide).not.toHaveBeenCalled();
    expect(spies.next).not.toHaveBeenCalled();
    expect(spies.claim).not.toHaveBeenCalled();
    const [zoom, reset] = spies.view.mock.calls.map(([change]) => change(defaultView));
    expect(zoom).toEqual(zoomIn(defaultView));
    expect(reset).toEqual(defaultView);
  });

  it('a key with Ctrl, Alt or Meta is left to the browser', () => {
    const { spies } = mount();
    fireEvent.keyDown(document.body, { key: 'a', ctrlKey: true });
    fireEvent.keyDown(document.body, { key: 'j', metaKey: true });
    expect(spies.decide).not.toHaveBeenCalled();
    expect(spies.next).not.toHaveBeenCalled();
  });
});
