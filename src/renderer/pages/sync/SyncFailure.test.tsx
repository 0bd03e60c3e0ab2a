// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncInstitutionStatus, SyncRun } from '../../../shared/contracts/sync';
import { renderWithProviders } from '../../testing';
import { InstitutionCard } from './InstitutionCard';
import { SyncFailure } from './SyncFailure';

afterEach(cleanup);

const technical = 'HTTP 503 SERVICE_UNAVAILABLE: Server error (injected)';
const at = Date.UTC(2026, 11, 7, 8, 0, 0);

function failedRun(overrides: Partial<SyncRun> = {}): SyncRun {
  return {
    id: 7,
    institutionId: 1,
    institutionCode: 'QINGHE',
    trigger: 'manual',
    status: 'failed',
    startedAt: at,
    finishedAt: at + 2_000,
    error: technical,
    errorCode: 'server',
    errorStatus: 503,
    resources: {},
    totals: { fetched: 0, upserted: 0, unchanged: 0, quarantined: 0, pages: 0 },
    problems: [],
    ...overrides,
  };
}

function failedInstitution(lastRun: SyncRun | null, overrides: Partial<SyncInstitutionStatus['institution']> = {}): SyncInstitutionStatus {
  return {
    institution: {
      id: 1,
      code: 'QINGHE',
      name: '青禾小贷',
      baseUrl: 'http://127.0.0.1:1/inst/QINGHE',
      appId: 'qinghe-app',
      syncIntervalSeconds: 300,
      enabled: true,
      demo: false,
      state: 'failed',
      stateReason: technical,
      stateReasonCode: 'server',
      stateReasonStatus: 503,
      circuitOpenUntil: null,
      lastAttemptAt: at,
      lastSuccessAt: null,
      secretScheme: 'key-file',
      secretReadable: true,
      capabilities: null,
      createdAt: at,
      updatedAt: at,
      ...overrides,
    },
    live: null,
    queued: false,
    nextRunAt: null,
    lastRun,
    openQuarantine: 0,
    reconciliation: [],
    ignored: [],
  };
}

describe('why a sync failed', () => {
  it('is said in Chinese on the institution card, the English text kept only as the labelled technical detail', () => {
    renderWithProviders(<InstitutionCard status={failedInstitution(failedRun())} live={null} canSync={false} onSync={() => undefined} syncing={false} />, { locale: 'zh-CN' });
    const reason = screen.getByTestId('sync-reason');
    expect(screen.getByText('机构服务器出错（HTTP 503）')).toBeTruthy();
    expect(screen.getByTestId('sync-failure-technical').textContent).toBe(`技术详情（供技术支持）：${technical}`);
    // The English appears nowhere but in the detail.
    expect((reason.textContent ?? '').replace(`技术详情（供技术支持）：${technical}`, '')).toBe('机构服务器出错（HTTP 503）');
  });

  it('is said in English in the English UI', () => {
    renderWithProviders(<InstitutionCard status={failedInstitution(failedRun())} live={null} canSync={false} onSync={() => undefined} syncing={false} />, { locale: 'en' });
    expect(screen.getByText("The institution's server failed (HTTP 503)")).toBeTruthy();
    expect(screen.getByTestId('sync-failure-technical').textContent).toBe(`Technical detail (for support): ${technical}`);
  });

  it('words every other code too: an institution that cannot be reached, an outbox decision it refused', () => {
    renderWithProviders(<SyncFailure code="network" status={null} text="connect ECONNREFUSED 127.0.0.1:1" />, { locale: 'zh-CN' });
    expect(screen.getByText('无法连接机构接口（网络不通或连接被断开）')).toBeTruthy();
    cleanup();
    renderWithProviders(<SyncFailure code="client" status={409} text="HTTP 409 APPLICATION_VERSION_MISMATCH: version moved on" />, { locale: 'zh-CN' });
    expect(screen.getByText('机构拒绝了该请求（HTTP 409）')).toBeTruthy();
    expect(screen.getByTestId('sync-failure-technical').textContent).toContain('APPLICATION_VERSION_MISMATCH');
  });

  it("says the institution's own reason when the last run failed for another one, or did not fail", () => {
    // The circuit opened by the outbox's deliveries after a run that could not connect.
    const circuitText = 'HTTP 502 BAD_GATEWAY: upstream gone';
    const circuitOpen = { state: 'circuit_open' as const, stateReason: circuitText, stateReasonCode: 'server' as const, stateReasonStatus: 502, circuitOpenUntil: at + 60_000 };
    const unreachable = failedRun({ error: 'connect ECONNREFUSED 127.0.0.1:1', errorCode: 'network', errorStatus: null });
    renderWithProviders(<InstitutionCard status={failedInstitution(unreachable, circuitOpen)} live={null} canSync={false} onSync={() => undefined} syncing={false} />, { locale: 'zh-CN' });
    expect(screen.getByText('机构服务器出错（HTTP 502）')).toBeTruthy();
    expect(screen.getByTestId('sync-failure-technical').textContent).toBe(`技术详情（供技术支持）：${circuitText}`);
    const said = (screen.getByTestId('sync-reason').textContent ?? '').replace(`技术详情（供技术支持）：${circuitText}`, '');
    expect(said).toContain('熔断至');
    expect(said).not.toContain('无法连接');
    // No English but the technical detail.
    expect(said.replace('HTTP', '')).not.toMatch(/[A-Za-z]/);
    cleanup();
    // The last run succeeded before the circuit opened.
    renderWithProviders(<InstitutionCard status={failedInstitution(failedRun({ status: 'succeeded', error: null, errorCode: null, errorStatus: null }), circuitOpen)} live={null} canSync={false} onSync={() => undefined} syncing={false} />, { locale: 'en' });
    expect(screen.getByText("The institution's server failed (HTTP 502)")).toBeTruthy();
    cleanup();
    // No run at all (a new institution whose first contact was a delivery).
    renderWithProviders(<InstitutionCard status={failedInstitution(null, circuitOpen)} live={null} canSync={false} onSync={() => undefined} syncing={false} />, { locale: 'zh-CN' });
    expect(screen.getByText('机构服务器出错（HTTP 502）')).toBeTruthy();
  });

  it('shows the text as before for a state stored before codes existed', () => {
    renderWithProviders(<InstitutionCard status={failedInstitution(failedRun({ errorCode: null, errorStatus: null }), { stateReasonCode: null, stateReasonStatus: null })} live={null} canSync={false} onSync={() => undefined} syncing={false} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('sync-reason').textContent).toBe(technical);
    expect(screen.queryByTestId('sync-failure-technical')).toBeNull();
  });
});
