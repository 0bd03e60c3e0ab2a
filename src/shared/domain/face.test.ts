import { describe, expect, it } from 'vitest';
import { classifyFace, defaultFaceBands, faceBandSchema, type FaceBand } from './face';
import { findingSchema } from './findings';

const passed = { passed: true, attempts: 1 };

describe('classifyFace with the default bands', () => {
  it.each([
    ['faceplusplus', 'v3', 69.101, 'pass'],
    ['faceplusplus', 'v3', 69.1, 'review'],
    ['faceplusplus', 'v3', 62.327, 'review'],
    ['faceplusplus', 'v3', 62.3, 'reject'],
    ['tencent_faceid', '1', 80, 'pass'],
    ['tencent_faceid', '1', 75, 'review'],
    ['tencent_faceid', '1', 69.9, 'reject'],
    ['tencent_compareface', '3.0', 55, 'pass'],
    ['tencent_compareface', '3.0', 45, 'review'],
    ['tencent_compareface', '3.0', 39, 'reject'],
    ['tencent_compareface', '2.0', 55, 'reject'],
    ['tencent_compareface', '2.0', 85, 'pass'],
    ['aliyun', 'any', 69, 'pass'],
    ['aliyun', 'any', 65, 'review'],
    ['aliyun', 'any', 60, 'reject'],
  ] as const)('%s %s score %d is %s', (vendor, modelVersion, score, band) => {
    expect(classifyFace({ vendor, modelVersion, score, liveness: passed }, defaultFaceBands).band).toBe(band);
  });

  it('records the score, thresholds and model version behind a decision', () => {
    const result = classifyFace({ vendor: 'tencent_compareface', modelVersion: '3.0', score: 45, liveness: passed }, defaultFaceBands);
    expect(result).toMatchObject({
      band: 'review',
      score: 45,
      modelVersion: '3.0',
      thresholdsUsed: { vendor: 'tencent_compareface', modelVersion: '3.0', passAtOrAbove: 50, rejectBelow: 40 },
    });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ code: 'face_score_review', queue: 'face', severity: 'warning', actual: '45', evidence: { score: 45, passAtOrAbove: 50, rejectBelow: 40 } });
    expect(() => findingSchema.parse(result.findings[0])).not.toThrow();
  });

  it('never applies one model version\'s band to another', () => {
    const result = classifyFace({ vendor: 'tencent_compareface', modelVersion: '4.0', score: 99, liveness: passed }, defaultFaceBands);
    expect(result).toMatchObject({ band: 'unknown_model', thresholdsUsed: null });
    expect(result.findings.map((finding) => finding.code)).toEqual(['face_unknown_model']);
  });

  it('sends an impossible score to review', () => {
    const result = classifyFace({ vendor: 'aliyun', modelVersion: '1', score: Number.NaN, liveness: passed }, defaultFaceBands);
    expect(result.band).toBe('review');
    expect(result.findings.map((finding) => finding.code)).toEqual(['face_score_invalid']);
    expect(classifyFace({ vendor: 'aliyun', modelVersion: '1', score: 120, liveness: passed }, defaultFaceBands).band).toBe('review');
  });

  it('reports a liveness failure as its own finding, whatever the score', () => {
    const result = classifyFace({ vendor: 'aliyun', modelVersion: '1', score: 90, liveness: { passed: false, attempts: 3 } }, defaultFaceBands);
    expect(result.band).toBe('pass');
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'face_liveness_failed', severity: 'high', evidence: { vendor: 'aliyun', modelVersion: '1', attempts: 3 } }),
    ]);
    const retried = classifyFace({ vendor: 'aliyun', modelVersion: '1', score: 90, liveness: { passed: true, attempts: 2 } }, defaultFaceBands);
    expect(retried.findings.map((finding) => finding.code)).toEqual(['face_liveness_retried']);
  });

  it('prefers a version-specific row over the vendor-wide one (edited in Settings)', () => {
    const bands: FaceBand[] = [...defaultFaceBands, { vendor: 'aliyun', modelVersion: '2.1', passAtOrAbove: 80, rejectBelow: 72 }];
    expect(classifyFace({ vendor: 'aliyun', modelVersion: '2.1', score: 75, liveness: passed }, bands).band).toBe('review');
    expect(classifyFace({ vendor: 'aliyun', modelVersion: '2.0', score: 75, liveness: passed }, bands).band).toBe('pass');
  });
});

describe('faceBandSchema', () => {
  it('accepts the defaults and refuses an inverted band', () => {
    for (const band of defaultFaceBands) expect(faceBandSchema.parse(band)).toEqual(band);
    expect(faceBandSchema.safeParse({ vendor: 'aliyun', modelVersion: '1', passAtOrAbove: 60, rejectBelow: 70 }).success).toBe(false);
    expect(faceBandSchema.safeParse({ vendor: 'other', modelVersion: '1', passAtOrAbove: 70, rejectBelow: 60 }).success).toBe(false);
  });
});
