import type { ChartSpec, ChartValueFormat } from './model';
import { fenToYuan } from './values';

/** The few drawing calls a chart needs; PDFKit's document provides them. */
type Canvas = PDFKit.PDFDocument;

export interface ChartFonts {
  regular: string;
  bold: string;
}

/** Series colours, in order (Mantine's palette, readable on white and in greyscale print). */
export const chartPalette = ['#228be6', '#12b886', '#fd7e14', '#fa5252', '#7950f2', '#fab005', '#15aabf', '#be4bdb', '#868e96'];

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
  if (doc.widthOfString(text) <= width) return text;
  const characters = Array.from(text);
  let low = 0;
  let high = characters.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (doc.widthOfString(`${characters.slice(0, middle).join('')}…`) <= width) low = middle;
    else high = middle - 1;
  }
  return low === 0 ? '' : `${characters.slice(0, low).join('')}…`;
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

  const legendHeight = spec.series.length > 1 ? 14 : 0;
  const axisWidth = 46;
  const labelHeight = 14;
  const plot = { x: x + axisWidth, y: y + 18, width: width - axisWidth - 4, height: height - 18 - labelHeight - legendHeight - 4 };
  const count = spec.categories.length;

  let maximum = 0;
  let minimum = 0;
  for (let index = 0; index < count; index++) {
    if (spec.kind === 'stacked-bar') {
      let sum = 0;
      for (const series of spec.series) sum += Math.max(0, series.values[index] ?? 0);
      maximum = Math.max(maximum, sum);
    } else {
      for (const series of spec.series) {
        const value = series.values[index];
        if (value === null || value === undefined) continue;
        maximum = Math.max(maximum, value);
        minimum = Math.min(minimum, value);
      }
    }
  }
  const step = niceStep(Math.max(maximum - minimum, Number.EPSILON));
  const top = maximum > 0 ? Math.ceil(maximum / step) * step : step;
  const bottom = minimum < 0 ? Math.floor(minimum / step) * step : 0;
  const scale = (value: number) => plot.y + plot.height - ((value - bottom) / (top - bottom)) * plot.height;

  // Gridlines and value labels.
  doc.font(fonts.regular).fontSize(7).lineWidth(0.5);
  for (let tick = bottom; tick <= top + step / 2; tick += step) {
    const tickY = scale(tick);
    doc.strokeColor(tick === 0 ? '#868e96' : '#dee2e6').moveTo(plot.x, tickY).lineTo(plot.x + plot.width, tickY).stroke();
    const label = formatChartValue(tick, spec.valueFormat, locale);
    doc.fillColor('#495057').text(label, x, tickY - 4, { width: axisWidth - 4, align: 'right', lineBreak: false });
  }

  if (count === 0) {
    doc.fillColor('#868e96').text(locale === 'en' ? 'No data' : '无数据', plot.x, plot.y + plot.height / 2 - 4, { width: plot.width, align: 'center', lineBreak: false });
    doc.restore();
    return;
  }

  const slot = plot.width / count;
  if (spec.kind === 'line') {
    doc.lineWidth(1.5);
    spec.series.forEach((series, seriesIndex) => {
      const color = chartPalette[seriesIndex % chartPalette.length] as string;
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
        const color = chartPalette[seriesIndex % chartPalette.length] as string;
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

  // Category labels: every k-th when they would overlap.
  doc.font(fonts.regular).fontSize(7).fillColor('#495057');
  const widest = Math.max(...spec.categories.map((category) => doc.widthOfString(category)), 1);
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

  if (legendHeight > 0) {
    let legendX = plot.x;
    const legendY = y + height - legendHeight + 2;
    spec.series.forEach((series, seriesIndex) => {
      const color = chartPalette[seriesIndex % chartPalette.length] as string;
      const label = fitText(doc, series.name, 120);
      const itemWidth = 12 + doc.widthOfString(label) + 10;
      if (legendX + itemWidth > x + width) return;
      doc.rect(legendX, legendY + 1, 8, 8).fill(color);
      doc.fillColor('#495057').text(label, legendX + 11, legendY + 1, { lineBreak: false });
      legendX += itemWidth;
    });
  }
  doc.restore();
}
