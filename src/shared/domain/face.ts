/**
 * Face compare bands. Scores are vendor- and model-specific and never compared across vendors:
 * a band row is looked up by vendor and model version (a row with modelVersion '*' covers any
 * version of that vendor without a row of its own). Every decision records the score, the
 * thresholds and the model version used.
 */
import { z } from 'zod';
import { makeFinding, type Finding } from './findings';

export const faceVendorSchema = z.enum(['faceplusplus', 'tencent_faceid', 'tencent_compareface', 'aliyun']);
export type FaceVendor = z.infer<typeof faceVendorSchema>;

/** Any model version of the vendor that has no row of its own. */
export const ANY_MODEL_VERSION = '*';

export const faceBandSchema = z
  .object({
    vendor: faceVendorSchema,
    modelVersion: z.string().min(1),
    /** Scores at or above this pass. */
    passAtOrAbove: z.number().finite(),
    /** Scores below this are rejected; between the two a person decides. */
    rejectBelow: z.number().finite(),
    /** The vendor's published scores at false-accept rates 1e-3/1e-4/1e-5, for reference. */
    falseAcceptThresholds: z
      .object({ at1e3: z.number().finite(), at1e4: z.number().finite(), at1e5: z.number().finite().nullable() })
      .optional(),
  })
  .refine((band) => band.rejectBelow <= band.passAtOrAbove, { message: 'rejectBelow must not exceed passAtOrAbove' });
export type FaceBand = z.infer<typeof faceBandSchema>;

/**
 * Defaults from the vendors' published thresholds (DOMAIN.md): pass at or above the score for a
 * false-accept rate of 1e-4, reject below the score for 1e-3, review in between.
 */
export const defaultFaceBands: readonly FaceBand[] = [
  { vendor: 'faceplusplus', modelVersion: ANY_MODEL_VERSION, passAtOrAbove: 69.101, rejectBelow: 62.327, falseAcceptThresholds: { at1e3: 62.327, at1e4: 69.101, at1e5: 73.975 } },
  { vendor: 'tencent_faceid', modelVersion: ANY_MODEL_VERSION, passAtOrAbove: 80, rejectBelow: 70, falseAcceptThresholds: { at1e3: 70, at1e4: 80, at1e5: null } },
  { vendor: 'tencent_compareface', modelVersion: '3.0', passAtOrAbove: 50, rejectBelow: 40, falseAcceptThresholds: { at1e3: 40, at1e4: 50, at1e5: 60 } },
  { vendor: 'tencent_compareface', modelVersion: '2.0', passAtOrAbove: 80, rejectBelow: 70, falseAcceptThresholds: { at1e3: 70, at1e4: 80, at1e5: 90 } },
  { vendor: 'aliyun', modelVersion: ANY_MODEL_VERSION, passAtOrAbove: 69, rejectBelow: 61, falseAcceptThresholds: { at1e3: 61, at1e4: 69, at1e5: 75 } },
];

export type FaceBandDecision = 'pass' | 'review' | 'reject' | 'unknown_model';

export interface FaceResult {
  vendor: FaceVendor;
  modelVersion: string;
  score: number;
  liveness: { passed: boolean; attempts?: number };
}

export interface FaceClassification {
  band: FaceBandDecision;
  vendor: FaceVendor;
  /** The model version the vendor reported. */
  modelVersion: string;
  score: number;
  /** The row used (its modelVersion is '*' when the vendor-wide row applied); null for unknown_model. */
  thresholdsUsed: { vendor: FaceVendor; modelVersion: string; passAtOrAbove: number; rejectBelow: number } | null;
  findings: Finding[];
}

// Every supported vendor reports 0-100.
const SCORE_MIN = 0;
const SCORE_MAX = 100;

/**
 * Classifies a face compare result into pass / review / reject by its vendor and model band,
 * with findings: the band (review, reject), an unknown model, an invalid score (sent to review),
 * a failed liveness check and a liveness check that needed retries.
 */
export function classifyFace(result: FaceResult, bands: readonly FaceBand[]): FaceClassification {
  const { vendor, modelVersion, score } = result;
  const subject = `${vendor}/${modelVersion}`;
  const row =
    bands.find((band) => band.vendor === vendor && band.modelVersion === modelVersion) ??
    bands.find((band) => band.vendor === vendor && band.modelVersion === ANY_MODEL_VERSION);
  const findings: Finding[] = [];
  const thresholdsUsed = row === undefined ? null : { vendor: row.vendor, modelVersion: row.modelVersion, passAtOrAbove: row.passAtOrAbove, rejectBelow: row.rejectBelow };
  const evidence = {
    vendor,
    modelVersion,
    score: Number.isFinite(score) ? score : null,
    bandModelVersion: row?.modelVersion ?? null,
    passAtOrAbove: row?.passAtOrAbove ?? null,
    rejectBelow: row?.rejectBelow ?? null,
  };

  let band: FaceBandDecision;
  if (row === undefined) {
    band = 'unknown_model';
    findings.push(makeFinding('face_unknown_model', { subject, expected: null, actual: modelVersion, evidence }));
  } else if (!Number.isFinite(score) || score < SCORE_MIN || score > SCORE_MAX) {
    band = 'review';
    findings.push(makeFinding('face_score_invalid', { subject, expected: `${SCORE_MIN}-${SCORE_MAX}`, actual: String(score), evidence }));
  } else if (score >= row.passAtOrAbove) {
    band = 'pass';
  } else if (score < row.rejectBelow) {
    band = 'reject';
    findings.push(makeFinding('face_score_reject', { subject, expected: `>= ${row.rejectBelow}`, actual: String(score), evidence }));
  } else {
    band = 'review';
    findings.push(makeFinding('face_score_review', { subject, expected: `>= ${row.passAtOrAbove}`, actual: String(score), evidence }));
  }

  const attempts = result.liveness.attempts ?? null;
  if (!result.liveness.passed) {
    findings.push(makeFinding('face_liveness_failed', { subject, expected: 'passed', actual: 'failed', evidence: { vendor, modelVersion, attempts } }));
  } else if (attempts !== null && attempts > 1) {
    findings.push(makeFinding('face_liveness_retried', { subject, expected: '1', actual: String(attempts), evidence: { vendor, modelVersion, attempts } }));
  }
  return { band, vendor, modelVersion, score, thresholdsUsed, findings };
}
