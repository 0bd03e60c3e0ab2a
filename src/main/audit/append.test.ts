import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { writeTransaction } from '../db/connection';
import { appendAudit, auditKeyOf, type AuditKey } from '../repositories/audit';
import { backend, call, clock, detail, grey, ingest, reviewer, sql, useReviewWorld } from '../../../test/support/review-world';
import { loadAuditKey } from './key';
import { verifyAuditChain } from './verify';

/** The SQL texts of the statements run on the back end's connection while `work` runs. */
function statementsRunBy(work: () => void): string[] {
  const prototype = Object.getPrototypeOf(backend.db.$client.prepare('SELECT 1')) as Record<'run' | 'get' | 'all', (...args: unknown[]) => unknown>;
  const originals = { run: prototype.run, get: prototype.get, all: prototype.all };
  const texts: string[] = [];
  for (const method of ['run', 'get', 'all'] as const) {
    prototype[method] = function (this: { source: string }, ...args: unknown[]) {
      texts.push(this.source);
      return originals[method].apply(this, args);
    };
  }
  try {
    work();
  } finally {
    Object.assign(prototype, originals);
  }
  return texts;
}

describe('appending to the audit chain', () => {
  useReviewWorld();
  const key = (): AuditKey => loadAuditKey(backend.paths.keys, { create: false }) as AuditKey;
  const entry = (action: string) => ({ at: clock.now(), operatorId: null, operatorName: null, action, details: { n: 1 } });

  it('the chain verifies after many decisions, each entry committed with its decision', async () => {
    for (let index = 0; index < 30; index++) ingest(grey(`APP-${index}`, { borrower: { name: '张三', idNumber: '440308199901101512', phone: `137000000${String(index).padStart(2, '0')}` } }));
    for (let index = 0; index < 30; index++) {
      const { taskId } = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
      const { task } = await detail(taskId);
      await call('review:decide', { taskId, action: 'reject', reasonCode: 'FACE_NOT_SAME_PERSON', note: '', evidenceHash: task.evidenceHash }, reviewer);
      clock.advance(1_000);
    }
    expect(sql<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'review.decided'")[0]?.n).toBe(30);
    expect(verifyAuditChain(backend.db, { key: key() })).toMatchObject({ ok: true });
  });

  it('inside a transaction it writes in that transaction, without a savepoint, and rolls back with it', () => {
    const before = sql<{ n: number }>('SELECT count(*) AS n FROM audit_log')[0]?.n;
    const texts = statementsRunBy(() => writeTransaction(backend.db, (tx) => appendAudit(tx, key(), entry('test.inside'))));
    expect(texts.filter((text) => /SAVEPOINT/i.test(text))).toEqual([]);
    expect(() =>
      writeTransaction(backend.db, (tx) => {
        appendAudit(tx, key(), entry('test.rolled-back'));
        throw new Error('the change fails after its entry');
      }),
    ).toThrow('the change fails');
    appendAudit(backend.db, key(), entry('test.alone'));
    expect(sql<{ action: string }>('SELECT action FROM audit_log WHERE id > ? ORDER BY id', before).map((row) => row.action)).toEqual(['test.inside', 'test.alone']);
    expect(verifyAuditChain(backend.db, { key: key() })).toMatchObject({ ok: true });
  });

  it('signs with the key as HMAC-SHA256 of its bytes', () => {
    const secret = Buffer.alloc(32, 7);
    expect(auditKeyOf(secret).sign('text')).toBe(createHmac('sha256', secret).update('text').digest('hex'));
  });
});
