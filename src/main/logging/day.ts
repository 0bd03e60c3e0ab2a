const shanghaiOffsetMs = 8 * 3_600_000;

/** The Asia/Shanghai calendar day (UTC+8, no daylight saving since 1991) of an instant. */
export function shanghaiDay(epochMs: number): string {
  return new Date(epochMs + shanghaiOffsetMs).toISOString().slice(0, 10);
}
