/**
 * Which list columns fit the width the list has. A column without a priority is essential (what
 * support looks a row up by: borrower, institution, amounts, status, overdue bucket or flags) and
 * always shows; secondary columns come back in priority order (1 first) while they fit, and the
 * column the list is sorted by always shows, so the order on screen is never by a hidden value.
 * Hidden columns stay in each row's detail page and behind the list's "show all columns".
 */
export interface FitColumn {
  key: string;
  width: number;
  /** Absent: essential, never hidden. 1, 2, ...: secondary, the lower the sooner it comes back. */
  priority?: number;
  sort?: string;
}

/**
 * The columns to show in `available` px (their order kept) and the ones left out. An unmeasured
 * width (0: no layout yet, or none in a test DOM) shows everything rather than guess.
 */
export function fitColumns<Column extends FitColumn>(columns: readonly Column[], available: number, sort?: string): { shown: Column[]; hidden: Column[] } {
  const total = columns.reduce((sum, column) => sum + column.width, 0);
  if (available <= 0 || total <= available) return { shown: [...columns], hidden: [] };
  const kept = new Set(columns.filter((column) => column.priority === undefined || (sort !== undefined && column.sort === sort)));
  let room = available - [...kept].reduce((sum, column) => sum + column.width, 0);
  const secondary = columns.filter((column) => !kept.has(column)).sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  for (const column of secondary) {
    // A narrower column further down may still fill the room a wide one left.
    if (column.width <= room) {
      kept.add(column);
      room -= column.width;
    }
  }
  return { shown: columns.filter((column) => kept.has(column)), hidden: columns.filter((column) => !kept.has(column)) };
}
