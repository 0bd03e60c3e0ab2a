import { yieldToEventLoop } from './sink';

/**
 * Streams a query page by page with a keyset cursor (never OFFSET, never everything at once):
 * `fetch` returns at most `pageSize` rows after the cursor; `cursorOf` makes the next cursor
 * from a page's last row. Gives the event loop a turn between pages, since SQLite reads block.
 */
export async function* keysetRows<T, C>(
  fetch: (after: C | undefined, limit: number) => T[],
  cursorOf: (last: T) => C,
  pageSize = 2000,
): AsyncGenerator<T> {
  let after: C | undefined;
  for (;;) {
    const page = fetch(after, pageSize);
    yield* page;
    if (page.length < pageSize) return;
    after = cursorOf(page[page.length - 1] as T);
    await yieldToEventLoop();
  }
}

/** Maps each row of a stream (row objects to the export's cell arrays). */
export async function* mapRows<T, U>(rows: AsyncIterable<T>, map: (row: T) => U): AsyncGenerator<U> {
  for await (const row of rows) yield map(row);
}
