import { describe, expect, it } from 'vitest';
import { defaultFaceBands } from '../../../shared/domain/face';
import { scoreBarLayout, type Rect, type ScoreBarLayout } from './scoreBarLayout';

function meet(a: Rect, b: Rect, clearance: number): boolean {
  return a.x < b.x + b.width + clearance && b.x < a.x + a.width + clearance && a.y < b.y + b.height + clearance && b.y < a.y + a.height + clearance;
}

/** Every label against every marker and every other label, and inside the bar's width. */
function problems(layout: ScoreBarLayout): string[] {
  const labels = [layout.score.label, ...layout.thresholds.map((threshold) => threshold.label)];
  const markers = [layout.score.marker, ...layout.thresholds.map((threshold) => threshold.marker), ...layout.vendorTicks];
  const found: string[] = [];
  for (const label of labels) {
    if (label.x < 0 || label.x + label.width > layout.bar.width + 0.001) found.push(`${label.text} leaves the bar`);
    if (label.y + label.height > layout.height) found.push(`${label.text} below the figure`);
    for (const marker of markers) if (meet(label, marker, 2)) found.push(`${label.text} meets a marker at ${marker.x}`);
    for (const other of labels) if (other !== label && meet(label, other, 2)) found.push(`${label.text} meets ${other.text}`);
  }
  return found;
}

const bands = defaultFaceBands.map((band) => ({
  name: `${band.vendor} ${band.modelVersion}`,
  rejectBelow: band.rejectBelow,
  passAtOrAbove: band.passAtOrAbove,
  far: band.falseAcceptThresholds ? [band.falseAcceptThresholds.at1e3, band.falseAcceptThresholds.at1e4, band.falseAcceptThresholds.at1e5].filter((value): value is number => value !== null) : [],
}));

describe('the face score bar’s layout', () => {
  it.each(bands)('keeps labels clear of markers and of each other at every score 0-100 (step 0.01) and at its thresholds: $name', ({ rejectBelow, passAtOrAbove, far }) => {
    const scores = [...Array.from({ length: 10_001 }, (_, index) => index / 100), rejectBelow, passAtOrAbove, rejectBelow - 0.001, passAtOrAbove - 0.001, ...far];
    for (const width of [180, 314, 480, 900]) {
      for (const score of scores) {
        const found = problems(scoreBarLayout({ width, score, rejectBelow, passAtOrAbove, vendorThresholds: far }));
        if (found.length > 0) expect.fail(`width ${width}, score ${score}: ${found.join('; ')}`);
      }
    }
  });

  it('puts the reject threshold’s label left of its marker and the pass threshold’s right of its own, so a narrow grey band keeps both readable', () => {
    const layout = scoreBarLayout({ width: 314, score: 67.26, rejectBelow: 61, passAtOrAbove: 69, vendorThresholds: [61, 69, 75] });
    const [reject, pass] = layout.thresholds as [ScoreBarLayout['thresholds'][number], ScoreBarLayout['thresholds'][number]];
    expect(reject.label.x + reject.label.width).toBeLessThanOrEqual(reject.marker.x);
    expect(pass.label.x).toBeGreaterThanOrEqual(pass.marker.x + pass.marker.width);
    expect(reject.label.y).toBe(pass.label.y);
  });

  it('moves the pass label to a second line when the bar’s ends push both thresholds’ labels together', () => {
    for (const [rejectBelow, passAtOrAbove] of [
      [0.5, 2],
      [98, 99.5],
      [100, 100],
    ] as const) {
      for (const score of [0, 1, 50, 99, 100]) {
        const layout = scoreBarLayout({ width: 314, score, rejectBelow, passAtOrAbove, vendorThresholds: [] });
        expect(problems(layout)).toEqual([]);
        expect(layout.thresholds[1]?.label.y).toBeGreaterThan(layout.thresholds[0]?.label.y ?? 0);
      }
    }
  });

  it('draws one grey bar and no threshold without a band (an unknown model)', () => {
    const layout = scoreBarLayout({ width: 314, score: 55, rejectBelow: null, passAtOrAbove: null, vendorThresholds: [] });
    expect(layout.zones.map((zone) => zone.kind)).toEqual(['unbanded']);
    expect(layout.thresholds).toEqual([]);
    expect(problems(layout)).toEqual([]);
  });
});
