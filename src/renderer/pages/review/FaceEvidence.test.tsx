// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../testing';
import { ScoreBar } from './FaceEvidence';
import { overlaps, type Rect } from './scoreBarLayout';

// The bar's width in the review page's face panel at 1366x768, as Chromium lays it out.
const barWidth = 314;

beforeEach(() => {
  // jsdom lays nothing out: the bar reads its width from clientWidth, as a browser gives it.
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return this.style.position === 'relative' ? barWidth : 0;
    },
  });
});

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(HTMLElement.prototype, 'clientWidth');
});

const fontPx: Record<string, number> = { xs: 12, sm: 14 };
const lineHeight: Record<string, number> = { xs: 1.4, sm: 1.45 };

/**
 * Where the bar's labels (their text, not their boxes) and markers land, worked out from the inline
 * styles the way a browser would: px as given, % of the containing block, `bottom` from its height.
 * Text is taken as 0.55 em per character, about what the UI fonts draw digits at.
 */
function figure(root: HTMLElement): { labels: Array<Rect & { element: HTMLElement; text: string }>; markers: Array<Rect & { element: HTMLElement }> } {
  const frame = [...root.querySelectorAll<HTMLElement>('*')].find((element) => element.style.position === 'relative') as HTMLElement;
  const frameRect = { x: 0, y: 0, width: barWidth, height: Number.parseFloat(frame.style.height) };
  const length = (value: string, of: number) => (value.endsWith('%') ? (Number.parseFloat(value) / 100) * of : Number.parseFloat(value));
  const rectOf = (element: HTMLElement): Rect => {
    const parent = element.parentElement === frame ? frameRect : rectOf(element.parentElement as HTMLElement);
    const size = element.dataset.size;
    const top = length(element.style.top || '0', parent.height);
    const height = element.style.height
      ? length(element.style.height, parent.height)
      : element.style.bottom
        ? parent.height - top - length(element.style.bottom, parent.height)
        : (fontPx[size ?? 'sm'] ?? 14) * (lineHeight[size ?? 'sm'] ?? 1.45);
    return { x: parent.x + length(element.style.left || '0', parent.width), y: parent.y + top, width: element.style.width ? length(element.style.width, parent.width) : 0, height };
  };
  const placed = [...frame.querySelectorAll<HTMLElement>('*')].filter((element) => element.style.position === 'absolute');
  const labels = placed
    .filter((element) => element.dataset.size !== undefined && (element.textContent ?? '').trim() !== '')
    .map((element) => {
      const box = rectOf(element);
      const text = (element.textContent ?? '').trim();
      const width = text.length * (fontPx[element.dataset.size ?? 'sm'] ?? 14) * 0.55;
      const x = element.style.textAlign === 'center' ? box.x + (box.width - width) / 2 : element.style.textAlign === 'right' ? box.x + box.width - width : box.x;
      return { element, text, x, y: box.y, width, height: box.height };
    });
  const markers = placed
    .filter((element) => element.dataset.size === undefined && element.style.background !== '')
    .map((element) => ({ element, ...rectOf(element) }))
    .filter((rect) => rect.width <= 4);
  return { labels, markers };
}

function collisions(root: HTMLElement): string[] {
  const { labels, markers } = figure(root);
  const found: string[] = [];
  for (const label of labels) {
    for (const marker of markers) {
      if (marker.element.contains(label.element)) continue;
      if (overlaps(label, marker, 2)) found.push(`label ${label.text} meets the marker at x=${marker.x.toFixed(1)}`);
    }
    for (const other of labels) if (other !== label && label.text < other.text && overlaps(label, other, 2)) found.push(`labels ${label.text} and ${other.text} overlap`);
  }
  return found;
}

const vendors = [
  { name: 'Aliyun 61 / 69', rejectBelow: 61, passAtOrAbove: 69, far: [61, 69, 75], scores: [67.26, 65, 60.99, 61, 61.01, 68.99, 69, 69.01] },
  { name: 'Face++ 62.327 / 69.101', rejectBelow: 62.327, passAtOrAbove: 69.101, far: [62.327, 69.101, 73.975], scores: [62.3, 62.327, 62.33, 65.7, 69.1, 69.101, 69.11, 73.975] },
  { name: 'Tencent CompareFace 3.0, 40 / 50', rejectBelow: 40, passAtOrAbove: 50, far: [40, 50, 60], scores: [39.99, 40, 45, 49.99, 50, 60] },
];

describe('the face score bar at 1366x768', () => {
  describe.each(vendors)('$name', ({ rejectBelow, passAtOrAbove, far, scores }) => {
    it.each(scores)('keeps every label clear of every marker and label at a score of %s', (score) => {
      renderWithProviders(<ScoreBar score={score} rejectBelow={rejectBelow} passAtOrAbove={passAtOrAbove} vendorThresholds={far.map((value, index) => ({ falseAcceptRate: `1e-${index + 3}`, score: value }))} />);
      const bar = screen.getByTestId('score-bar');
      expect(screen.getByTestId('face-score').textContent).toBe(score.toFixed(2));
      expect(bar.textContent).toContain(String(rejectBelow));
      expect(bar.textContent).toContain(String(passAtOrAbove));
      // The score, both thresholds; the score's and the thresholds' markers and the vendor's ticks.
      const { labels, markers } = figure(bar);
      expect(labels.map((entry) => entry.text).sort()).toEqual([score.toFixed(2), String(passAtOrAbove), String(rejectBelow)].sort());
      expect(markers).toHaveLength(3 + far.length);
      expect(collisions(bar)).toEqual([]);
    });
  });
});
