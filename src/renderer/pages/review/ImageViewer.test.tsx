// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreditDeskBridge } from '../../../preload/bridge';
import { renderWithProviders } from '../../testing';
import { defaultView, ImageViewer } from './ImageViewer';

afterEach(() => {
  cleanup();
  delete window.creditdesk;
});

describe('an evidence image', () => {
  it('in the desktop, says why the back end refused it in the operator’s language, not the server’s English', async () => {
    const bridge: CreditDeskBridge = {
      invoke: async () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'Claim this task (or renew your claim) before revealing its personal data.', details: { reason: 'not_held' } } }),
      on: () => () => undefined,
    };
    window.creditdesk = bridge;
    renderWithProviders(<ImageViewer taskId={7} which="live" title="现场照片" enabled view={defaultView} height={200} />);
    expect(await screen.findByText('您已不再持有此任务（已释放、改派或已决定），请重新领取。')).toBeTruthy();
    expect(document.body.textContent).not.toContain('Claim this task');
  });
});
