import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import {
  apiErrorCodes,
  apiErrorStatus,
  buildOpenApiDocument,
  decimalRateSchema,
  externalIdSchema,
  fenSchema,
  instantSchema,
  pageSchema,
  repaymentRecordSchema,
  resourceNames,
  reviewDecisionRequestSchema,
} from './index';

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 and describes every resource, page and push', async () => {
    const document = buildOpenApiDocument({ serverUrl: 'https://inst.example.com' });
    const validator = new Validator();
    const result = await validator.validate(document as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(validator.version).toBe('3.1');
    const paths = Object.keys(document.paths as Record<string, unknown>);
    for (const resource of resourceNames) {
      expect(paths).toContain(`/v1/${resource}`);
      expect(paths).toContain(`/v1/${resource}/{id}`);
    }
    expect(paths).toEqual(expect.arrayContaining(['/v1/capabilities', '/v1/stats', '/v1/images/{id}', '/v1/applications/{id}/review-decisions']));
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(['ApplicationRecord', 'CreditLineRecord', 'OrderRecord', 'RepaymentPlanRecord', 'RepaymentRecord', 'ApplicationPage', 'ReviewDecisionRequest', 'Error']),
    );
  });
});

describe('wire conventions', () => {
  it('takes money as integer fen only', () => {
    expect(fenSchema.safeParse(12_345).success).toBe(true);
    expect(fenSchema.safeParse(123.45).success).toBe(false);
    expect(fenSchema.safeParse(-1).success).toBe(false);
    expect(fenSchema.safeParse('12345').success).toBe(false);
    // The bound comes from z.int() itself (the schema states no second one).
    expect(fenSchema.safeParse(Number.MAX_SAFE_INTEGER).success).toBe(true);
    expect(fenSchema.safeParse(Number.MAX_SAFE_INTEGER + 1).success).toBe(false);
  });

  it('takes ids of 1 to 64 characters of the allowed set', () => {
    expect(externalIdSchema.safeParse('APP-2026.11:0001_a').success).toBe(true);
    expect(externalIdSchema.safeParse('a'.repeat(64)).success).toBe(true);
    expect(externalIdSchema.safeParse('').success).toBe(false);
    expect(externalIdSchema.safeParse('a'.repeat(65)).success).toBe(false);
    expect(externalIdSchema.safeParse('-leading').success).toBe(false);
    expect(externalIdSchema.safeParse('with space').success).toBe(false);
  });

  it('takes rates as decimal strings, never numbers', () => {
    expect(decimalRateSchema.safeParse('0.0100').success).toBe(true);
    expect(decimalRateSchema.safeParse('0.000500').success).toBe(true);
    expect(decimalRateSchema.safeParse(0.01).success).toBe(false);
    expect(decimalRateSchema.safeParse('1%').success).toBe(false);
  });

  it('takes instants only with an offset', () => {
    expect(instantSchema.safeParse('2026-11-25T09:30:00.000+08:00').success).toBe(true);
    expect(instantSchema.safeParse('2026-11-25T01:30:00Z').success).toBe(true);
    expect(instantSchema.safeParse('2026-11-25T09:30:00').success).toBe(false);
    expect(instantSchema.safeParse('2026-11-25').success).toBe(false);
  });

  it('pages carry data, next_cursor and has_more', () => {
    const page = pageSchema(repaymentRecordSchema);
    expect(page.safeParse({ data: [], next_cursor: null, has_more: false }).success).toBe(true);
    expect(page.safeParse({ data: [], has_more: false }).success).toBe(false);
  });

  it('maps every error code to one HTTP status', () => {
    expect(apiErrorCodes.length).toBe(Object.keys(apiErrorStatus).length);
    expect(apiErrorStatus.NONCE_REPLAYED).toBe(401);
    expect(apiErrorStatus.RATE_LIMITED).toBe(429);
    expect(apiErrorStatus.IDEMPOTENCY_KEY_REUSED).toBe(409);
  });
});

describe('review decision requests', () => {
  const common = { reviewer_id: 'ops-1', decided_at: '2026-11-25T10:00:00+08:00', application_version: 3 };

  it('needs a limit to approve and a reason to reject', () => {
    expect(reviewDecisionRequestSchema.safeParse({ ...common, decision: 'approve', reason_codes: [], approved_limit_fen: 500_000 }).success).toBe(true);
    expect(reviewDecisionRequestSchema.safeParse({ ...common, decision: 'approve', reason_codes: [] }).success).toBe(false);
    expect(reviewDecisionRequestSchema.safeParse({ ...common, decision: 'reject', reason_codes: ['FRAUD_SUSPECTED'] }).success).toBe(true);
    expect(reviewDecisionRequestSchema.safeParse({ ...common, decision: 'reject', reason_codes: [] }).success).toBe(false);
  });

  it('defaults the optional comment and face basis', () => {
    const parsed = reviewDecisionRequestSchema.parse({ ...common, decision: 'reject', reason_codes: ['CONTACT_RISK'] });
    expect(parsed).toMatchObject({ comment: '', face_compare_basis: null });
  });
});
