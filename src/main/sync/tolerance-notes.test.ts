import { describe, expect, it } from 'vitest';
import { ignoredNotes } from './tolerance-notes';

describe('ignoredNotes', () => {
  it('gives the capabilities notes, then the stats notes of the newest reconciliation, each with its source', () => {
    const capabilities = JSON.stringify({ resources: ['orders'], ignored: [{ kind: 'unknown_resource', subject: 'collections', detail: null }] });
    const older = { checkedAt: 1, details: JSON.stringify({ ignored: [{ kind: 'unknown_key', subject: 'old', detail: null }] }) };
    const newer = { checkedAt: 2, details: JSON.stringify({ ignored: [{ kind: 'unknown_status', subject: 'orders', detail: 'WRITTEN_OFF' }] }) };
    expect(ignoredNotes(capabilities, [newer, older])).toEqual([
      { source: 'capabilities', kind: 'unknown_resource', subject: 'collections', detail: null },
      { source: 'stats', kind: 'unknown_status', subject: 'orders', detail: 'WRITTEN_OFF' },
    ]);
  });

  it('leaves out what it cannot read: notes stored as sentences before they were data, broken JSON, nothing stored', () => {
    expect(ignoredNotes(JSON.stringify({ ignored: ['resource "collections" is not one this client knows: not pulled'] }), [{ checkedAt: 1, details: '{' }])).toEqual([]);
    expect(ignoredNotes(null, [])).toEqual([]);
  });
});
