import { chartColorHex, seriesColor } from '../../shared/chart-colors';
import type { ChartSpec, ChartValueFormat } from './model';
import { ellipsise, wrapText } from './pdf-table';
import { fenToYuan } from './values';

/** The few drawing calls a chart needs; PDFKit's document provides them. */
type Canvas = PDFKit.PDFDocument;

export interface ChartFonts {
  regular: string;
  bold: string;
}

/** A series' colour: its own from the shared palette (as on the screens), else the n-th in order. */
export function seriesHex(series: ChartSpec['series'][number], index: number): string {
  return chartColorHex[series.color ?? seriesColor(index)];
}

/**
 * The smallest axis step whose tick labels still differ at the format's precision: an axis of
 * whole counts or minutes never steps by 0.2 (which would print "0 min, 0 min, 1 min...").
 */
function minimumStep(format: ChartValueFormat): number {
  switch (format) {
    case 'integer':
    case 'minutes':
      return 1;
    case 'money':
      return 100;
    case 'percent':
      return 0.001;
    case 'decimal':
      return 0.01;
    default: {
      const unknownFormat: never = format;
      throw new Error(`Unknown chart format ${String(unknownFormat)}`);
    }
  }
}

/** Value-axis ticks from the data's range: bottom, top and step, never two ticks with one label. */
export function axisOf(minimum: number, maximum: number, format: ChartValueFormat): { bottom: number; top: number; step: number } {
  const step = Math.max(niceStep(maximum - minimum), minimumStep(format));
  const top = maximum > 0 ? Math.ceil(maximum / step - 1e-9) * step : step;
  const bottom = minimum < 0 ? Math.floor(minimum / step + 1e-9) * step : 0;
  return { bottom, top, step };
}

/** The words a chart prints itself. */
function chartWords(locale: 'zh-CN' | 'en') {
  return locale === 'en' ? { noData: 'No data' } : { noData: '无数据' };
}

/** An axis step of 1, 2 or 5 times a power of ten, giving about `ticks` gridlines. */
export function niceStep(maximum: number, ticks = 5): number {
  if (!(maximum > 0)) return 1;
  const raw = maximum / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** A tick or value label: compact for large figures, 万/亿 in Chinese. */
export function formatChartValue(value: number, format: ChartValueFormat, locale: 'zh-CN' | 'en'): string {
  switch (format) {
    case 'percent':
      return `${(value * 100).toFixed(Math.abs(value) < 0.1 && value !== 0 ? 1 : 0)}%`;
    case 'money':
      return Math.abs(value) >= 1_000_000 ? compact(value / 100, locale) : fenToYuan(Math.round(value), true);
    case 'minutes':
      return value >= 120 ? `${(value / 60).toFixed(1)} h` : `${Math.round(value)} min`;
    case 'decimal':
      return Math.abs(value) >= 10_000 ? compact(value, locale) : String(Math.round(value * 100) / 100);
    case 'integer':
      return Math.abs(value) >= 10_000 ? compact(value, locale) : String(Math.round(value));
    default: {
      const unknownFormat: never = format;
      throw new Error(`Unknown chart format ${String(unknownFormat)}`);
    }
  }
}

function compact(value: number, locale: 'zh-CN' | 'en'): string {
  const absolute = Math.abs(value);
  if (locale === 'zh-CN') {
    if (absolute >= 1e8) return `${trim(value / 1e8)}亿`;
    if (absolute >= 1e4) return `${trim(value / 1e4)}万`;
    return trim(value);
  }
  if (absolute >= 1e9) return `${trim(value / 1e9)}B`;
  if (absolute >= 1e6) return `${trim(value / 1e6)}M`;
  if (absolute >= 1e3) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Shortens text with an ellipsis until it fits `width` at the current font and size. */
export function fitText(doc: Canvas, text: string, width: number): string {
  return ellipsise((candidate) => doc.widthOfString(candidate), text, width);
}

const legendLineHeight = 11;
/** A category slot narrower than this (points) shows every k-th label instead of wrapping them all. */
const minimumWrappedSlot = 28;
const legendSwatch = 11;
const legendGap = 10;

/**
 * The legend's items placed in lines within `width`: every series is named, on as many lines
 * as it takes (a name wider than the whole line wraps).
 */
export function legendLayout(measure: (text: string) => number, names: readonly string[], width: number): Array<{ line: number; x: number; lines: string[] }> {
  const placed: Array<{ line: number; x: number; lines: string[] }> = [];
  let line = 0;
  let x = 0;
  for (const name of names) {
    const lines = wrapText(measure, name, width - legendSwatch, null);
    const itemWidth = legendSwatch + Math.max(...lines.map(measure));
    if (x > 0 && x + itemWidth > width) {
      line++;
      x = 0;
    }
    placed.push({ line, x, lines });
    if (lines.length > 1) {
      line += lines.length;
      x = 0;
    } else x += itemWidth + legendGap;
  }
  return placed;
}

function legendLines(placed: ReadonlyArray<{ line: number; x: number; lines: string[] }>): number {
  return placed.reduce((most, item) => Math.max(most, item.line + item.lines.length), 0);
}

/**
 * Draws one chart as vector graphics in the box (x, y, width, height): title, value axis with
 * gridlines, bars (grouped or stacked) or lines, category labels and a legend.
 */
export function drawChart(doc: Canvas, spec: ChartSpec, box: { x: number; y: number; width: number; height: number }, fonts: ChartFonts, locale: 'zh-CN' | 'en'): void {
  const { x, y, width, height } = box;
  doc.save();
  doc.font(fonts.bold).fontSize(10).fillColor('#212529');
  doc.text(fitText(doc, spec.title, width), x, y, { lineBreak: false });

  doc.font(fonts.regular).fontSize(7);
  const legend = spec.series.length > 1 ? legendLayout((text) => doc.widthOfString(text), spec.series.map((series) => series.name), width - 4) : [];
  const legendHeight = legend.length > 0 ? legendLines(legend) * legendLineHeight + 4 : 0;
  const axisWidth = 46;
  // Category names (institutions, products) wrap to two lines rather than being skipped, as long
  // as each slot can hold a few characters; dates on a long axis are shown every k-th.
  const count = spec.categories.length;
  const slotWidth = (width - axisWidth - 4) / Math.max(1, count);
  const measure = (text: string) => doc.widthOfString(text);
  const widest = Math.max(...spec.categories.map(measure), 1);
  const wrapLabels = widest + 4 > slotWidth && slotWidth >= minimumWrappedSlot;
  const labelLines = wrapLabels ? spec.categories.map((category) => wrapText(measure, category, slotWidth - 2, 2)) : null;
  const labelHeight = labelLines && labelLines.some((lines) => lines.length > 1) ? 22 : 14;
  const plot = { x: x + axisWidth, y: y + 18, width: width - axisWidth - 4, height: height - 18 - labelHeight - legendHeight - 4 };

  let maximum = 0;
  let minimum = 0;
  let values = 0;
  for (let index = 0; index < count; index++) {
    if (spec.kind === 'stacked-bar') {
      let sum = 0;
      for (const series of spec.series) {
        const value = series.values[index];
        if (value === null || value === undefined) continue;
        values++;
        sum += Math.max(0, value);
      }
      maximum = Math.max(maximum, sum);
    } else {
      for (const series of spec.series) {
        const value = series.values[index];
        if (value === null || value === undefined) continue;
        values++;
        maximum = Math.max(maximum, value);
        minimum = Math.min(minimum, value);
      }
    }
  }
  const { bottom, top, step } = axisOf(minimum, maximum, spec.valueFormat);
  const scale = (value: number) => plot.y + plot.height - ((value - bottom) / (top - bottom)) * plot.height;

  // Gridlines and value labels.
  doc.font(fonts.regular).fontSize(7).lineWidth(0.5);
  for (let tick = bottom; tick <= top + step / 2; tick += step) {
    const tickY = scale(tick);
    doc.strokeColor(tick === 0 ? '#868e96' : '#dee2e6').moveTo(plot.x, tickY).lineTo(plot.x + plot.width, tickY).stroke();
    const label = formatChartValue(tick, spec.valueFormat, locale);
    doc.fillColor('#495057').text(label, x, tickY - 4, { width: axisWidth - 4, align: 'right', lineBreak: false });
  }

  if (count === 0 || values === 0) {
    doc.fillColor('#868e96').text(chartWords(locale).noData, plot.x, plot.y + plot.height / 2 - 4, { width: plot.width, align: 'center', lineBreak: false });
    doc.restore();
    return;
  }

  const slot = plot.width / count;
  if (spec.kind === 'line') {
    doc.lineWidth(1.5);
    spec.series.forEach((series, seriesIndex) => {
      const color = seriesHex(series, seriesIndex);
      doc.strokeColor(color).fillColor(color);
      let drawing = false;
      series.values.forEach((value, index) => {
        const pointX = plot.x + slot * (index + 0.5);
        if (value === null || value === undefined) {
          drawing = false;
          return;
        }
        const pointY = scale(value);
        if (drawing) doc.lineTo(pointX, pointY);
        else doc.moveTo(pointX, pointY);
        drawing = true;
      });
      doc.stroke();
      if (count <= 40) {
        series.values.forEach((value, index) => {
          if (value === null || value === undefined) return;
          doc.circle(plot.x + slot * (index + 0.5), scale(value), 1.8).fill();
        });
      }
    });
  } else {
    const stacked = spec.kind === 'stacked-bar';
    const groupWidth = slot * 0.72;
    const barWidth = stacked ? groupWidth : groupWidth / Math.max(1, spec.series.length);
    for (let index = 0; index < count; index++) {
      let stackTop = 0;
      spec.series.forEach((series, seriesIndex) => {
        const value = series.values[index];
        if (value === null || value === undefined || value === 0) return;
        const color = seriesHex(series, seriesIndex);
        const left = plot.x + slot * index + (slot - groupWidth) / 2 + (stacked ? 0 : barWidth * seriesIndex);
        const from = stacked ? stackTop : 0;
        const to = stacked ? stackTop + Math.max(0, value) : value;
        if (stacked) stackTop = to;
        const y1 = scale(Math.max(from, to));
        const y2 = scale(Math.min(from, to));
        doc.rect(left, y1, Math.max(0.5, barWidth - (stacked ? 0 : 0.6)), Math.max(0.3, y2 - y1)).fill(color);
      });
    }
  }

  // Category labels: wrapped in their slot, else every k-th when they would overlap.
  doc.font(fonts.regular).fontSize(7).fillColor('#495057');
  if (labelLines) {
    labelLines.forEach((lines, index) => {
      lines.forEach((line, lineIndex) => {
        doc.text(line, plot.x + slot * index, plot.y + plot.height + 3 + lineIndex * 8, { width: slot, align: 'center', lineBreak: false });
      });
    });
  } else {
    const every = Math.max(1, Math.ceil((widest + 4) / slot));
    spec.categories.forEach((category, index) => {
      if (index % every !== 0) return;
      const labelWidth = slot * every;
      doc.text(fitText(doc, category, labelWidth - 2), plot.x + slot * (index + 0.5) - labelWidth / 2, plot.y + plot.height + 3, {
        width: labelWidth,
        align: 'center',
        lineBreak: false,
      });
    });
  }

  if (legend.length > 0) {
    const legendY = y + height - legendHeight + 2;
    doc.font(fonts.regular).fontSize(7);
    spec.series.forEach((series, seriesIndex) => {
      const item = legend[seriesIndex];
      if (!item) return;
      const itemY = legendY + item.line * legendLineHeight;
      doc.rect(x + item.x, itemY + 1, 8, 8).fill(seriesHex(series, seriesIndex));
      item.lines.forEach((text, lineIndex) => {
        doc.fillColor('#495057').text(text, x + item.x + legendSwatch, itemY + 1 + lineIndex * legendLineHeight, { lineBreak: false });
      });
    });
  }
  doc.restore();
}
