import { describe, expect, it } from 'vitest';
import { operatorContext } from '../../../test/support/backend';
import { backend, call, failure, reviewer, useReviewWorld } from '../../../test/support/review-world';

useReviewWorld();

describe('settings and reason codes', () => {
  it('an admin edits reason codes and SLA; reviewers cannot', async () => {
    const admin = await operatorContext(backend, 'root2', 'admin');
    const created = await call<{ id: number }>('review:save-reason-code', { queue: 'face', action: 'reject', code: 'FACE_MASK', labelZh: '佩戴口罩', labelEn: 'Face covered by a mask' }, admin);
    expect((await failure('review:save-reason-code', { queue: 'face', action: 'reject', code: 'FACE_MASK', labelZh: 'x', labelEn: 'x' }, admin)).code).toBe('CONFLICT');
    await call('review:save-reason-code', { id: created.id, queue: 'face', action: 'reject', code: 'FACE_MASK', labelZh: '佩戴口罩', labelEn: 'Mask', active: false }, admin);
    const active = await call<Array<{ code: string }>>('review:reason-codes', { queue: 'face' }, reviewer);
    expect(active.map((row) => row.code)).not.toContain('FACE_MASK');
    expect((await failure('review:save-reason-code', { queue: 'face', action: 'reject', code: 'X1', labelZh: 'x', labelEn: 'x' }, reviewer)).code).toBe('FORBIDDEN');
    const settings = { queues: { contacts: { slaMinutes: 60, dueSoonMinutes: 15 }, face: { slaMinutes: 30, dueSoonMinutes: 10 }, ocr: { slaMinutes: 90, dueSoonMinutes: 30 } }, leaseSeconds: 300 };
    expect(await call('review:save-settings', settings, admin)).toEqual({ ...settings, fourEyesOnHighSeverity: false });
    expect(await call('review:settings', {}, reviewer)).toEqual({ ...settings, fourEyesOnHighSeverity: false });
    expect((await failure('review:save-settings', { ...settings, queues: { ...settings.queues, face: { slaMinutes: 30, dueSoonMinutes: 30 } } }, admin)).code).toBe('VALIDATION');
  });
});
