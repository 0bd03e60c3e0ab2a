import { describe, expect, it } from 'vitest';
import { describeToleranceNote, readCapabilities, readStats, type ToleranceNote } from './tolerant';

const lines = (notes: ToleranceNote[] | false) => (notes === false ? false : notes.map(describeToleranceNote));

const product = {
  code: 'QH-REVOLVE',
  name: '青禾循环贷',
  line_mode: 'revolving',
  partial_draw_allowed: true,
  required_items: ['id_card_ocr', 'real_name'],
  repayment_methods: ['equal_installment'],
  term_months: [3, 6, 12],
  face_vendor: 'faceplusplus',
  face_model_version: 'compare-3.0',
};

const capabilities = {
  api_version: 'v1',
  institution: { code: 'qinghe', name: '青禾' },
  resources: ['applications', 'orders'],
  repayment_plans: true,
  review_decisions: true,
  grace_days: 3,
  default_page_limit: 200,
  max_page_limit: 1000,
  products: [product],
};

const resource = { count: 3, max_updated_at: '2026-11-25T09:58:26.000+08:00' };
const stats = {
  as_of: '2026-11-25T10:00:00.000+08:00',
  applications: { ...resource, by_status: { APPROVED: 2, REJECTED: 1 } },
  credit_lines: { ...resource, by_status: { active: 3 }, limit_fen: 300, used_fen: 100 },
  orders: { ...resource, by_status: { REPAYING: 3 }, principal_fen: 900 },
  repayment_plans: null,
  repayments: { ...resource, amount_fen: 500 },
};

describe('readCapabilities', () => {
  it('reads a standard document as it is, with nothing ignored', () => {
    expect(readCapabilities(capabilities)).toEqual({ success: true, data: { ...capabilities, ignored: [] } });
  });

  it('leaves out resources and products it does not know, saying so, and keeps the rest', () => {
    const read = readCapabilities({ ...capabilities, resources: ['applications', 'collections', 'orders'], products: [product, { ...product, code: 'NEW', line_mode: 'card' }] });
    expect(read.success && read.data.resources).toEqual(['applications', 'orders']);
    expect(read.success && read.data.products.map((entry) => entry.code)).toEqual(['QH-REVOLVE']);
    expect(lines(read.success && read.data.ignored)).toEqual([expect.stringMatching(/resource "collections"/), expect.stringMatching(/product "NEW" could not be read \(line_mode/)]);
  });

  it('says what is wrong with an unreadable product as data (field and kind, for the user\'s language), keeping zod\'s text for support', () => {
    const { name: _name, ...nameless } = product;
    const read = readCapabilities({
      ...capabilities,
      products: [{ ...product, code: 'A', line_mode: 'card' }, { ...nameless, code: 'B' }, { ...product, code: 'C', term_months: 'twelve' }, { ...product, code: 'D', term_months: [0] }, 'E'],
    });
    const notes = read.success ? read.data.ignored : [];
    expect(notes.map(({ subject, field, issue }) => ({ subject, field, issue }))).toEqual([
      { subject: 'A', field: 'line_mode', issue: 'not_allowed' },
      { subject: 'B', field: 'name', issue: 'missing' },
      { subject: 'C', field: 'term_months', issue: 'wrong_type' },
      { subject: 'D', field: 'term_months.0', issue: 'out_of_range' },
      { subject: '#4', field: null, issue: 'not_an_object' },
    ]);
    expect(notes[0]?.detail).toMatch(/^line_mode: /);
  });

  it('still refuses a document that is not v1 capabilities at all', () => {
    expect(readCapabilities({ api_version: 'v2' }).success).toBe(false);
  });
});

describe('readStats', () => {
  it('reads standard stats exactly, nothing ignored', () => {
    const read = readStats(stats);
    expect(read.success && read.data.ignored).toEqual([]);
    expect(read.success && read.data.credit_lines).toEqual({ count: 3, max_updated_at: resource.max_updated_at, by_status: { active: 3 }, sums: { limit_fen: 300, used_fen: 100 } });
    expect(read.success && read.data.repayment_plans).toBeNull();
  });

  it('counts a status it does not know, ignores an unknown key and reports a sum beyond 2^53 as not comparable', () => {
    const text = JSON.stringify({ ...stats, orders: { ...stats.orders, by_status: { REPAYING: 2, WRITTEN_OFF: 1 } }, collections: { count: 1 } }).replace('"amount_fen":500', '"amount_fen":9007199254740993');
    const read = readStats(JSON.parse(text));
    if (!read.success) throw new Error('refused');
    expect(read.data.orders?.by_status).toEqual({ REPAYING: 2, WRITTEN_OFF: 1 });
    expect(read.data.repayments?.sums).toEqual({ amount_fen: null });
    expect(read.data.repayments?.count).toBe(3);
    expect(lines(read.data.ignored)).toEqual([
      expect.stringMatching(/key "collections"/),
      expect.stringMatching(/orders\.by_status: status "WRITTEN_OFF" .*counted/),
      expect.stringMatching(/repayments\.amount_fen .*beyond 2\^53/),
    ]);
  });

  it('leaves one unreadable resource unreconciled instead of refusing the whole answer', () => {
    const read = readStats({ ...stats, orders: { count: 'many' } });
    expect(read.success && read.data.orders).toBeNull();
    expect(read.success && read.data.applications?.count).toBe(3);
    expect(lines(read.success && read.data.ignored)).toEqual([expect.stringMatching(/^orders could not be read/)]);
    expect(read.success && read.data.ignored[0]).toMatchObject({ kind: 'unreadable_figures', subject: 'orders', field: 'count', issue: 'wrong_type' });
  });
});
