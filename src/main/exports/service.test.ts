import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestBackend, ManualClock, operatorContext, signedInContext, testAdminPassword } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import type { ExportSummary } from '../../shared/contracts/exports';
import type { PushedEvent } from '../../shared/rpc/events';
import type { Actor } from '../core/actor';
import type { Backend } from '../runtime/backend';
import { startHttpServer } from '../server/http-server';
import { downloadRoute } from '../server/routes/download';
import { readWorkbook } from '../../../test/support/export-readers';

type TestBackend = Backend & { cleanup(): Promise<void> };
const backends: TestBackend[] = [];
const folders = tempFolders();
async function backendFor(options: Parameters<typeof createTestBackend>[0] = {}): Promise<TestBackend> {
  const backend = await createTestBackend(options);
  backends.push(backend);
  return backend;
}
afterEach(async () => {
  for (const backend of backends.splice(0)) await backend.cleanup();
  folders.removeAll();
});

function data<T>(envelope: { ok: boolean; data?: unknown; error?: unknown }): T {
  if (!envelope.ok) throw new Error(`call failed: ${JSON.stringify(envelope.error)}`);
  return envelope.data as T;
}

/** Many audit rows fast (raw inserts: their chain is irrelevant to an export). */
function fillAudit(backend: Backend, count: number): void {
  const insert = backend.db.$client.prepare(
    "INSERT INTO audit_log (at, operator_id, operator_name, action, target_type, target_id, details, prev_hash, hash) VALUES (?, 1, 'admin', 'users.updated', 'operator', ?, '{}', 'x', 'y')",
  );
  backend.db.$client.transaction(() => {
    for (let index = 0; index < count; index++) insert.run(backend.clock.now(), String(index));
  })();
}

describe('export jobs', () => {
  it('exports the audit log as XLSX in the background, records it, and lists it for its owner', async () => {
    const backend = await backendFor();
    const supervisor = await operatorContext(backend, 'super1', 'supervisor');
    const entriesBefore = data<{ total: number }>(await backend.router.call('audit:list', {}, supervisor)).total;

    const events: PushedEvent[] = [];
    backend.events.subscribe({ actor: () => supervisor.actor, send: (event) => events.push(event) });
    const started = data<ExportSummary>(await backend.router.call('audit:export', { format: 'xlsx', filter: { action: 'auth.' } }, supervisor));
    expect(started.status).toBe('running');
    await backend.services.exports.settled(started.id);

    const finished = data<ExportSummary>(await backend.router.call('exports:get', { id: started.id }, supervisor));
    const signIns = data<{ total: number }>(await backend.router.call('audit:list', { filter: { action: 'auth.' } }, supervisor)).total;
    expect(finished).toMatchObject({ status: 'completed', format: 'xlsx', kind: 'audit', masked: true, available: true, rowCount: signIns });
    expect(finished.fileName).toBe('audit-log_start_now.xlsx');
    expect(entriesBefore).toBeGreaterThan(0);
    expect(events.some((event) => event.name === 'exports:progress' && (event.payload as { status?: string }).status === 'completed')).toBe(true);

    const list = data<ExportSummary[]>(await backend.router.call('exports:list', {}, supervisor));
    expect(list.map((entry) => entry.id)).toEqual([started.id]);

    const audit = data<{ entries: Array<{ action: string; operatorName: string; details: Record<string, unknown> }> }>(
      await backend.router.call('audit:list', { filter: { action: 'exports.' } }, supervisor),
    ).entries;
    expect(audit.map((entry) => entry.action)).toEqual(['exports.finished', 'exports.started']);
    expect(audit[0]).toMatchObject({
      operatorName: 'super1',
      details: { kind: 'audit', format: 'xlsx', filters: { action: 'auth.' }, status: 'completed', rowCount: signIns, masked: true },
    });
  });

  it('refuses personal data in clear without pii:export-clear, and exports to permitted roles only', async () => {
    const backend = await backendFor();
    const supervisor = await operatorContext(backend, 'super2', 'supervisor');
    const reviewer = await operatorContext(backend, 'reviewer2', 'reviewer');
    const clear = await backend.router.call('audit:export', { format: 'csv', clear: true }, supervisor);
    expect(clear).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { permission: 'pii:export-clear' } } });
    const denied = await backend.router.call('audit:export', { format: 'csv' }, reviewer);
    expect(denied).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const allowed = data<ExportSummary>(await backend.router.call('audit:export', { format: 'csv', clear: true }, admin));
    await backend.services.exports.settled(allowed.id);
    expect(data<ExportSummary>(await backend.router.call('exports:get', { id: allowed.id }, admin))).toMatchObject({ status: 'completed', masked: false });
  });

  it('keeps an export private to the operator who made it', async () => {
    const backend = await backendFor();
    const owner = await operatorContext(backend, 'owner', 'supervisor');
    const other = await operatorContext(backend, 'other', 'supervisor');
    const started = data<ExportSummary>(await backend.router.call('audit:export', { format: 'csv' }, owner));
    await backend.services.exports.settled(started.id);
    expect(await backend.router.call('exports:get', { id: started.id }, other)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await backend.router.call('exports:deliver', { id: started.id }, other)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(data<ExportSummary[]>(await backend.router.call('exports:list', {}, other))).toEqual([]);
  });

  it('cancels a running export and removes its partial file', async () => {
    const backend = await backendFor();
    fillAudit(backend, 60_000);
    const supervisor = await operatorContext(backend, 'super3', 'supervisor');
    const started = data<ExportSummary>(await backend.router.call('audit:export', { format: 'csv' }, supervisor));
    const cancelling = data<ExportSummary>(await backend.router.call('exports:cancel', { id: started.id }, supervisor));
    expect(cancelling.status).toBe('running');
    await backend.services.exports.settled(started.id);
    const after = data<ExportSummary>(await backend.router.call('exports:get', { id: started.id }, supervisor));
    expect(after).toMatchObject({ status: 'cancelled', available: false });
    expect(after.rowCount).toBeLessThan(60_000);
    expect(await backend.router.call('exports:deliver', { id: started.id }, supervisor)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const finishedEntry = data<{ entries: Array<{ details: Record<string, unknown> }> }>(
      await backend.router.call('audit:list', { filter: { action: 'exports.finished' } }, supervisor),
    ).entries[0];
    expect(finishedEntry?.details.status).toBe('cancelled');
  });

  it('serves the file as an authenticated download on the headless server', async () => {
    const backend = await backendFor();
    const server = await startHttpServer({ backend, port: 0, routes: [downloadRoute(backend.services.exports)] });
    try {
      const signIn = await fetch(`${server.url}/api/rpc/auth:sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: testAdminPassword }),
      });
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const csrf = ((await signIn.json()) as { data: { csrfToken: string } }).data.csrfToken;
      const call = async (channel: string, body: unknown) => {
        const response = await fetch(`${server.url}/api/rpc/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
          body: JSON.stringify(body),
        });
        return (await response.json()) as { ok: boolean; data?: unknown };
      };
      const started = data<ExportSummary>(await call('audit:export', { format: 'xlsx' }));
      await backend.services.exports.settled(started.id);
      const delivery = data<{ kind: string; url: string }>(await call('exports:deliver', { id: started.id }));
      expect(delivery).toEqual({ kind: 'download', url: `/api/downloads/${started.id}`, fileName: 'audit-log_start_now.xlsx' });

      const anonymous = await fetch(`${server.url}${delivery.url}`);
      expect(anonymous.status).toBe(401);
      const response = await fetch(`${server.url}${delivery.url}`, { headers: { cookie } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(response.headers.get('content-disposition')).toContain("filename*=UTF-8''audit-log_start_now.xlsx");
      const saved = folders.file('download.xlsx');
      writeFileSync(saved, Buffer.from(await response.arrayBuffer()));
      const workbook = await readWorkbook(saved);
      expect(workbook.worksheets[0]?.getCell('D1').value).toBe('操作');
      const missing = await fetch(`${server.url}/api/downloads/999999`, { headers: { cookie } });
      expect(missing.status).toBe(404);

      const delivered = data<{ entries: Array<{ details: Record<string, unknown> }> }>(await call('audit:list', { filter: { action: 'exports.delivered' } })).entries;
      expect(delivered[0]?.details).toMatchObject({ kind: 'audit', format: 'xlsx', to: 'download' });
    } finally {
      await server.close();
    }
  });

  it('hands the file to the desktop save dialog when there is one', async () => {
    const chosen = folders.file('审计日志.csv');
    let dismiss = false;
    const backend = await backendFor({
      saveExportFile: async ({ path: source, fileName }) => {
        expect(fileName).toBe('audit-log_start_now.csv');
        if (dismiss) return null;
        copyFileSync(source, chosen);
        return chosen;
      },
    });
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const started = data<ExportSummary>(await backend.router.call('audit:export', { format: 'csv' }, admin));
    await backend.services.exports.settled(started.id);
    expect(data(await backend.router.call('exports:deliver', { id: started.id }, admin))).toEqual({ kind: 'saved', path: chosen });
    expect(readFileSync(chosen, 'utf8').startsWith('\uFEFF编号,时间,操作员,操作')).toBe(true);
    dismiss = true;
    expect(data(await backend.router.call('exports:deliver', { id: started.id }, admin))).toEqual({ kind: 'dismissed' });
  });

  it('deletes files past retention', async () => {
    const clock = new ManualClock(Date.now());
    const backend = await backendFor({ clock });
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const started = data<ExportSummary>(await backend.router.call('audit:export', { format: 'csv' }, admin));
    await backend.services.exports.settled(started.id);
    const file = backend.db.$client.prepare('SELECT file_path AS path FROM exports WHERE id = ?').get(started.id) as { path: string };
    expect(existsSync(file.path)).toBe(true);
    clock.advance(6 * 86_400_000);
    backend.services.exports.purge();
    expect(existsSync(file.path)).toBe(true);
    clock.advance(2 * 86_400_000);
    backend.services.exports.purge();
    expect(existsSync(file.path)).toBe(false);
    expect(backend.services.exports.get(admin.actor as Actor, started.id).available).toBe(false);
  });
});
