/**
 * What each role receives, channel by channel, against the demo data: no full ID number, phone,
 * name, address-book name or address in clear, and no fields that together rebuild one (a masked
 * ID number beside the birth date it hides, two masks of one phone, a masked name beside a short
 * text holding the rest of it), within one answer or across all the answers a role gets. Reveals
 * (review:reveal, borrowers:reveal) are the recorded way to see a value in clear and are the only
 * channels left out. The true values come from the database, not from the answers.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, contract, type ChannelName } from '../../src/shared/rpc/contract';
import type { CallContext } from '../../src/main/core/actor';
import type { Backend } from '../../src/main/runtime/backend';
import { startDemo } from '../../src/main/runtime/background-work';
import { arbitraryOf } from '../support/arbitrary';
import { createTestBackend, operatorContext, signedInContext, testAdminPassword } from '../support/backend';
import { disclosures, indexSecrets, secretsOf, type SecretIndex } from '../support/disclosure';

type Role = 'admin' | 'supervisor' | 'reviewer' | 'support';

/** The recorded reveals: their answers are meant to be clear. */
const reveals = new Set<ChannelName>(['review:reveal', 'borrowers:reveal']);

let backend: Backend & { cleanup(): Promise<void> };
let contexts: Record<Role, CallContext>;
let secrets: SecretIndex;

beforeAll(async () => {
  backend = await createTestBackend({ backgroundJobs: false });
  await startDemo(backend, null);
  await backend.services.sync.runOnce({ trigger: 'manual' });
  contexts = {
    admin: await signedInContext(backend, 'admin', testAdminPassword),
    supervisor: await operatorContext(backend, 'disclosure-supervisor', 'supervisor'),
    reviewer: await operatorContext(backend, 'disclosure-reviewer', 'reviewer'),
    support: await operatorContext(backend, 'disclosure-support', 'support'),
  };
  secrets = indexSecrets(secretsOf(backend.db));
}, 240_000);
afterAll(async () => backend.cleanup());

function ids(sql: string): number[] {
  return (backend.db.$client.prepare(sql).all() as Array<{ id: number }>).map((row) => row.id);
}

/** Inputs that walk the demo data: every task and borrower with a task, samples of the rest. */
function curatedInputs(): Partial<Record<ChannelName, unknown[]>> {
  const tasks = ids('SELECT id FROM review_tasks ORDER BY id');
  const borrowers = ids('SELECT DISTINCT borrower_id AS id FROM review_tasks UNION SELECT id FROM (SELECT id FROM borrowers ORDER BY id LIMIT 20)');
  const searchTerms = (
    backend.db.$client.prepare('SELECT name, phone, id_number AS idNumber FROM borrowers ORDER BY id LIMIT 10').all() as Array<{ name: string; phone: string; idNumber: string }>
  ).flatMap((row) => [row.name, row.phone, row.idNumber, row.idNumber.slice(-4), row.phone.slice(-4), row.phone.slice(0, 7), row.idNumber.slice(0, 10)]);
  const queues = ['contacts', 'face', 'ocr'];
  const statuses = ['open', 'in_review', 'awaiting_second', 'escalated', 'snoozed', 'decided', 'awaiting_resubmission', 'closed'];
  return {
    'review:task': tasks.map((taskId) => ({ taskId })),
    'review:list': queues.flatMap((queue) => statuses.map((status) => ({ queue, status, limit: 100 }))),
    'borrowers:get': borrowers.map((id) => ({ id })),
    'borrowers:search': searchTerms.map((query) => ({ query, limit: 50 })),
    'portfolio:loans-list': [{ limit: 500 }, { limit: 500, offset: 500 }, { scope: 'open', limit: 500 }],
    'portfolio:lines-list': [{ limit: 500 }, { limit: 500, offset: 500 }],
    'portfolio:loan-detail': ids('SELECT id FROM orders ORDER BY id LIMIT 20').map((id) => ({ id })),
    'portfolio:line-detail': ids('SELECT id FROM credit_lines ORDER BY id LIMIT 20').map((id) => ({ id })),
    'sync:quarantine': [{ limit: 200 }],
    'sync:outbox': [{ limit: 200 }],
    'audit:list': [{ limit: 200 }],
    'reports:review-operations': [{ from: '2026-01-01', to: '2026-12-31' }],
    'reports:portfolio': [{ from: '2026-01-01', to: '2026-12-31' }],
    'reports:auth-funnel': [{ from: '2026-01-01', to: '2026-12-31' }],
  };
}

/** Valid-shaped inputs for every other channel (a fixed seed: the same inputs each run). */
function generatedInputs(channel: ChannelName): unknown[] {
  return [{}, ...fc.sample(arbitraryOf(contract[channel].input), { numRuns: 3, seed: 25 })];
}

async function answersOf(role: Role): Promise<Array<{ channel: string; input: unknown; answer: unknown }>> {
  const curated = curatedInputs();
  const answers: Array<{ channel: string; input: unknown; answer: unknown }> = [];
  const call = async (channel: ChannelName, input: unknown) => {
    answers.push({ channel, input, answer: await backend.router.call(channel, input, contexts[role]) });
  };
  for (const channel of channelNames) {
    if (reveals.has(channel)) continue;
    // Sign-out would end the session the rest of the walk uses; it answers nothing personal.
    if (channel === 'auth:sign-out') continue;
    for (const input of curated[channel] ?? generatedInputs(channel)) await call(channel, input);
  }
  // A task as its holder sees it (the reveal buttons live; the values still masked).
  if (contexts[role].actor?.permissions.has('review:work')) {
    for (const taskId of ids('SELECT id FROM review_tasks ORDER BY id')) {
      const claimed = await backend.router.call('review:claim', { taskId }, contexts[role]);
      if (!claimed.ok) continue;
      await call('review:task', { taskId });
      await backend.router.call('review:release', { taskId }, contexts[role]);
    }
  }
  // The audit log after all of the above (searches and claims are in it).
  if (contexts[role].actor?.permissions.has('audit:view')) await call('audit:list', { limit: 200 });
  return answers;
}

describe('what each role receives', () => {
  it('holds the demo data the walk needs', () => {
    expect(ids('SELECT id FROM review_tasks').length).toBeGreaterThan(30);
    expect(secrets.secrets.idNumbers.size).toBeGreaterThan(100);
    expect(secrets.secrets.names.size).toBeGreaterThan(100);
  });

  it.each<Role>(['reviewer', 'support', 'supervisor', 'admin'])('as %s: no personal value in clear or rebuildable in any answer', { timeout: 240_000 }, async (role) => {
    const answers = await answersOf(role);
    expect(answers.length).toBeGreaterThan(100);
    const problems = answers.flatMap(({ channel, input, answer }) => disclosures(answer, secrets).map((problem) => `${channel} ${JSON.stringify(input)}: ${problem}`));
    expect(problems.slice(0, 20), `${problems.length} disclosures`).toEqual([]);
    // Everything the role received, taken together: a mask in one answer and what completes it in
    // another. A one-character given name is left to the per-answer check: among thousands of
    // texts its character turns up somewhere (an issuing authority such as 东莞市公安局).
    const together = disclosures(
      answers.map(({ answer }) => answer),
      secrets,
      { shortestRest: 2 },
    );
    expect(together.slice(0, 20), `${together.length} disclosures across answers`).toEqual([]);
  });
});
