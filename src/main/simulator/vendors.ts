/**
 * Face-compare vendors' published thresholds (DOMAIN.md, "Face compare and liveness") and the
 * simulator's reading of them into three bands.
 */
import type { FaceVendor } from '../../shared/institution-api';

export interface VendorThresholds {
  /** Score at false-accept rate 1e-3, 1e-4 and (where published) 1e-5. */
  far3: number;
  far4: number;
  far5: number | null;
  /** Top of the vendor's scale. */
  max: number;
  /** Decimal places the vendor reports. */
  decimals: number;
}

/** Thresholds per vendor and model version. */
export function vendorThresholds(vendor: FaceVendor, modelVersion: string): VendorThresholds {
  switch (vendor) {
    case 'faceplusplus':
      return { far3: 62.327, far4: 69.101, far5: 73.975, max: 100, decimals: 3 };
    case 'tencent_faceid':
      return { far3: 70, far4: 80, far5: null, max: 100, decimals: 2 };
    case 'tencent_compareface':
      return modelVersion.startsWith('2')
        ? { far3: 70, far4: 80, far5: 90, max: 100, decimals: 2 }
        : { far3: 40, far4: 50, far5: 60, max: 100, decimals: 2 };
    case 'aliyun':
      return { far3: 61, far4: 69, far5: 75, max: 100, decimals: 2 };
    default: {
      const unknown: never = vendor;
      throw new RangeError(`Unknown face vendor ${String(unknown)}`);
    }
  }
}

/**
 * The simulator's bands (the platform's actual bands are its own settings): pass at or above
 * the 1e-4 threshold, reject below the 1e-3 threshold, a person decides in between.
 */
export type FaceBand = 'pass' | 'grey' | 'reject';

export function faceBand(thresholds: VendorThresholds, score: number): FaceBand {
  if (score >= thresholds.far4) return 'pass';
  if (score < thresholds.far3) return 'reject';
  return 'grey';
}

/** A score inside a band, drawn from `unit` in [0, 1). */
export function scoreInBand(thresholds: VendorThresholds, band: FaceBand, unit: number): number {
  const top = Math.min(thresholds.max - 0.5, (thresholds.far5 ?? thresholds.far4 + 8) + 12);
  const [low, high] =
    band === 'pass' ? [thresholds.far4, top] : band === 'grey' ? [thresholds.far3, thresholds.far4] : [Math.max(0, thresholds.far3 - 40), thresholds.far3];
  const factor = 10 ** thresholds.decimals;
  const score = Math.floor((low + unit * (high - low)) * factor) / factor;
  // Flooring can never leave the band from below; keep a grey score strictly under far4.
  return band === 'grey' && score >= thresholds.far4 ? thresholds.far4 - 1 / factor : score;
}

/**
 * How alike the generated live and reference faces should look (0 = another person, 1 = the same):
 * a pass score looks like the same person, a reject score visibly does not.
 */
export function faceSimilarity(thresholds: VendorThresholds, score: number): number {
  const band = faceBand(thresholds, score);
  if (band === 'pass') return 0.85 + 0.15 * Math.min(1, (score - thresholds.far4) / Math.max(1, thresholds.max - thresholds.far4));
  if (band === 'grey') return 0.55 + 0.25 * ((score - thresholds.far3) / (thresholds.far4 - thresholds.far3));
  return 0.4 * Math.max(0, Math.min(1, score / thresholds.far3));
}
