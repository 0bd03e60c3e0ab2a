/**
 * Where the face score bar draws its score, thresholds and labels, in pixels of the bar's width.
 * The score's label and its marker had collided with the thresholds' labels and markers whenever a
 * score sat in or next to a narrow grey band (Aliyun's 61-69 is 25 px at 1366x768). Each kind of
 * thing now has its own horizontal row, so no label can meet a marker at any score:
 *
 *   score label     above the bar; the score's marker runs from under it down the bar, no further
 *   bar             zones, the thresholds' markers and the vendor's false-accept ticks
 *   threshold tick  just under the bar: only the thresholds' markers reach into it
 *   threshold label the reject threshold's ends left of its marker, the pass threshold's starts
 *                   right of its own, so two close thresholds never overlap; if the bar's ends force
 *                   them together, the pass label takes a second line
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ScoreBarLabel extends Rect {
  text: string;
  align: 'left' | 'center' | 'right';
}

export interface ScoreBarLayout {
  /** Height of the whole figure. */
  height: number;
  bar: Rect;
  zones: Array<Rect & { kind: 'reject' | 'review' | 'pass' | 'unbanded' }>;
  score: { marker: Rect; label: ScoreBarLabel };
  thresholds: Array<{ kind: 'reject' | 'pass'; value: number; marker: Rect; label: ScoreBarLabel }>;
  vendorTicks: Array<Rect & { value: number }>;
}

export const scoreLabelFontPx = 14;
export const thresholdLabelFontPx = 12;
const scoreLabelHeight = 20;
const thresholdLabelHeight = 17;
const stemGap = 2;
const barTop = scoreLabelHeight + 4;
const barHeight = 18;
const thresholdTick = 4;
const labelRowTop = barTop + barHeight + thresholdTick + 2;
const labelGap = 3;
const scoreMarkerWidth = 3;
const thresholdMarkerWidth = 2;
const vendorTickHeight = 6;

/**
 * A generous estimate of a label's width: scores and thresholds are digits and a point, which the
 * UI fonts draw at about 0.55 em; 0.62 em leaves room for a wider fallback font.
 */
export function labelWidth(text: string, fontPx: number): number {
  return Math.ceil(text.length * fontPx * 0.62) + 2;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** The two rectangles meet, or come closer than `gap` px on both axes (the layout and its tests use this one). */
export function overlaps(a: Rect, b: Rect, gap = 0): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

/** The layout for a 0-100 score on a bar `width` px wide. */
export function scoreBarLayout({
  width,
  score,
  rejectBelow,
  passAtOrAbove,
  vendorThresholds,
}: {
  width: number;
  score: number;
  rejectBelow: number | null;
  passAtOrAbove: number | null;
  vendorThresholds: readonly number[];
}): ScoreBarLayout {
  const at = (value: number) => (clamp(value, 0, 100) / 100) * width;
  const bar = { x: 0, y: barTop, width, height: barHeight };
  const banded = rejectBelow !== null && passAtOrAbove !== null;
  const zones: ScoreBarLayout['zones'] = banded
    ? [
        { kind: 'reject', x: 0, y: barTop, width: at(rejectBelow), height: barHeight },
        { kind: 'review', x: at(rejectBelow), y: barTop, width: at(passAtOrAbove) - at(rejectBelow), height: barHeight },
        { kind: 'pass', x: at(passAtOrAbove), y: barTop, width: width - at(passAtOrAbove), height: barHeight },
      ]
    : [{ kind: 'unbanded', ...bar }];

  const scoreText = score.toFixed(2);
  const scoreWidth = labelWidth(scoreText, scoreLabelFontPx);
  const scoreX = at(score);
  const scoreLabel: ScoreBarLabel = { text: scoreText, align: 'center', x: clamp(scoreX - scoreWidth / 2, 0, Math.max(0, width - scoreWidth)), y: 0, width: scoreWidth, height: scoreLabelHeight };
  const scoreMarker = { x: scoreX - scoreMarkerWidth / 2, y: scoreLabelHeight + stemGap, width: scoreMarkerWidth, height: barTop + barHeight - scoreLabelHeight - stemGap };

  const thresholds: ScoreBarLayout['thresholds'] = [];
  for (const [kind, value] of [
    ['reject', rejectBelow],
    ['pass', passAtOrAbove],
  ] as const) {
    if (value === null) continue;
    const x = at(value);
    const text = String(value);
    const textWidth = labelWidth(text, thresholdLabelFontPx);
    const wanted = kind === 'reject' ? x - thresholdMarkerWidth / 2 - labelGap - textWidth : x + thresholdMarkerWidth / 2 + labelGap;
    const label: ScoreBarLabel = { text, align: kind === 'reject' ? 'right' : 'left', x: clamp(wanted, 0, Math.max(0, width - textWidth)), y: labelRowTop, width: textWidth, height: thresholdLabelHeight };
    thresholds.push({ kind, value, marker: { x: x - thresholdMarkerWidth / 2, y: barTop, width: thresholdMarkerWidth, height: barHeight + thresholdTick }, label });
  }
  // Only the bar's ends can push the two labels together (thresholds near 0 or 100): the pass label moves down a line.
  const [first, second] = thresholds;
  let height = labelRowTop + thresholdLabelHeight;
  if (first && second && overlaps(first.label, second.label, labelGap)) {
    second.label.y = labelRowTop + thresholdLabelHeight + labelGap;
    height += thresholdLabelHeight + labelGap;
  }

  const vendorTicks = vendorThresholds.map((value) => ({ value, x: at(value) - 0.5, y: barTop + barHeight - vendorTickHeight, width: 1, height: vendorTickHeight }));
  return { height, bar, zones, score: { marker: scoreMarker, label: scoreLabel }, thresholds, vendorTicks };
}
