/**
 * One palette for every chart CreditDesk draws: the screens (Mantine charts take `name.6`) and the
 * PDF exports (PDFKit takes the hex). A series that means something (an action, a queue, a
 * delinquency bucket) has the same colour wherever it is drawn; other series take the colours of
 * `seriesColorOrder` in turn.
 */

/** Mantine's default palette at shade 6 (shade 9 for the darkest red), as hex for the PDF. */
export const chartColorHex = {
  blue: '#228be6',
  teal: '#12b886',
  orange: '#fd7e14',
  red: '#fa5252',
  violet: '#7950f2',
  yellow: '#fab005',
  cyan: '#15aabf',
  grape: '#be4bdb',
  gray: '#868e96',
  green: '#40c057',
  indigo: '#4c6ef5',
  pink: '#e64980',
  lime: '#82c91e',
} as const;

export type ChartColor = keyof typeof chartColorHex;

/** The colour of the n-th series that has no meaning of its own. */
export const seriesColorOrder: readonly ChartColor[] = ['blue', 'teal', 'orange', 'red', 'violet', 'yellow', 'cyan', 'grape', 'indigo', 'pink', 'lime', 'green', 'gray'];

export function seriesColor(index: number): ChartColor {
  return seriesColorOrder[index % seriesColorOrder.length] as ChartColor;
}

/** Review decisions: approve is the good outcome (teal), reject the bad one (red). */
export const actionChartColor = { approve: 'teal', reject: 'red', resubmit: 'yellow', escalate: 'violet' } as const satisfies Record<string, ChartColor>;

export const queueChartColor = { contacts: 'blue', face: 'orange', ocr: 'grape' } as const satisfies Record<string, ChartColor>;

/** Delinquency buckets, from current (teal) to the worst (grape). */
export const bucketChartColor = { M0: 'teal', M1: 'yellow', M2: 'orange', M3: 'red', 'M3+': 'grape' } as const satisfies Record<string, ChartColor>;

/** Review handling time per day: median and 90th percentile. */
export const handlingChartColor = { median: 'blue', p90: 'orange' } as const satisfies Record<string, ChartColor>;

/** Roll rates: into M1 and on into M2. */
export const rollChartColor = { currentToM1: 'orange', m1ToM2: 'red' } as const satisfies Record<string, ChartColor>;

/** A colour as Mantine charts name it ('teal.6'). */
export function mantineChartColor(color: ChartColor): string {
  return `${color}.6`;
}
