import { describe, expect, it } from 'vitest';
import { defaultFaceBands } from '../../../shared/domain/face';
import { overlaps, scoreBarLayout, type Rect, type ScoreBarLayout } from './scoreBarLayout';

/** How close (px) a label may come to a marker or another label. */
const clearance = 2;

/** Every label against every marker and every other label, and inside the bar's width. */
function problems(layout: ScoreBarLayout): string[] {
  const labels = [layout.score.label, ...layout.thresholds.map((threshold) => threshold.label)];
  const markers = [layout.score.marker, ...layout.thresholds.map((threshold) => threshold.marker), ...layout.vendorTicks];
  const found: string[] = [];
  for (const label of labels) {
    if (label.x < 0 || label.x + label.width > layout.bar.width + 0.001) found.push(`${label.text} leaves the bar`);
    if (label.y + label.height > layout.height) found.push(`${label.text} below the figure`);
    for (const marker of markers) if (overlaps(label, marker, clearance)) found.push(`${label.text} meets a marker at ${marker.x}`);
    for (const other of labels) if (other !== label && overlaps(label, other, clearance)) found.push(`${label.text} meets ${other.text}`);
  }
  return found;
}

/** The two share a row: their heights come within the clearance, wherever they are across. */
function shareRow(a: Rect, b: Rect): boolean {
  return overlaps({ ...a, x: 0, width: 1 }, { ...b, x: 0, width: 1 }, clearance);
}

/** Each element's row (top and height), in drawing order. */
function rows(layout: ScoreBarLayout): Array<[string, number, number]> {
  return [
    ['score label', layout.score.label.y, layout.score.label.height],
    ['score marker', layout.score.marker.y, layout.score.marker.height],
    ...layout.thresholds.flatMap((threshold): Array<[string, number, number]> => [
      [`${threshold.kind} marker`, threshold.marker.y, threshold.marker.height],
      [`${threshold.kind} label`, threshold.label.y, threshold.label.height],
    ]),
    ...layout.vendorTicks.map((tick): [string, number, number] => [`tick ${tick.value}`, tick.y, tick.height]),
  ];
}

const bands = defaultFaceBands.map((band) => ({
  name: `${band.vendor} ${band.modelVersion}`,
  rejectBelow: band.rejectBelow,
  passAtOrAbove: band.passAtOrAbove,
  far: band.falseAcceptThresholds ? [band.falseAcceptThresholds.at1e3, band.falseAcceptThresholds.at1e4, band.falseAcceptThresholds.at1e5].filter((value): value is number => value !== null) : [],
}));
const widths = [180, 314, 480, 900];

describe('the face score bar’s layout', () => {
  it.each(bands)('puts every label in a row no marker and no other kind of label reaches, whatever the score: $name', ({ rejectBelow, passAtOrAbove, far }) => {
    for (const width of widths) {
      const at = (score: number) => scoreBarLayout({ width, score, rejectBelow, passAtOrAbove, vendorThresholds: far });
      // The rows do not move with the score: so what holds at one score holds at all of them.
      const layout = at(50);
      for (const score of [0, 0.01, rejectBelow, (rejectBelow + passAtOrAbove) / 2, passAtOrAbove, 99.99, 100]) expect(rows(at(score)), `width ${width}, score ${score}`).toEqual(rows(layout));
      const markers = [layout.score.marker, ...layout.thresholds.map((threshold) => threshold.marker), ...layout.vendorTicks];
      const thresholdLabels = layout.thresholds.map((threshold) => threshold.label);
      for (const label of [layout.score.label, ...thresholdLabels]) {
        for (const marker of markers) expect(shareRow(label, marker), `width ${width}: ${label.text} and the marker at ${marker.x}`).toBe(false);
      }
      for (const label of thresholdLabels) expect(shareRow(layout.score.label, label), `width ${width}: the score and ${label.text}`).toBe(false);
    }
  });

  it.each(bands)('keeps labels inside the bar and clear of each other at the grey band’s edges, the vendor’s thresholds and the bar’s ends: $name', ({ rejectBelow, passAtOrAbove, far }) => {
    const edges = [rejectBelow, passAtOrAbove, ...far].flatMap((value) => [value - 0.01, value - 0.001, value, value + 0.01]);
    for (const width of widths) {
      for (const score of [0, 0.01, ...edges, 99.99, 100]) {
        expect(problems(scoreBarLayout({ width, score, rejectBelow, passAtOrAbove, vendorThresholds: far })), `width ${width}, score ${score}`).toEqual([]);
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
