import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * A file written strictly in order with backpressure: `write` resolves once the chunk is queued
 * below the stream's high-water mark, so a fast producer waits for the disk instead of growing
 * memory. Counts the bytes written (zip offsets need them).
 */
export class FileSink {
  private readonly stream: WriteStream;
  private failure: Error | null = null;
  bytes = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'w', mode: 0o600, highWaterMark: 1 << 20 });
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  async write(chunk: Buffer | string): Promise<void> {
    if (this.failure) throw this.failure;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.bytes += buffer.length;
    if (!this.stream.write(buffer)) await once(this.stream, 'drain');
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await once(this.stream, 'close');
    if (this.failure) throw this.failure;
  }

  /** Closes without caring for errors (cancel or failure path; the caller deletes the file). */
  destroy(): void {
    this.stream.destroy();
  }

  /** The underlying stream, for libraries that pipe (pdfkit). */
  get writable(): WriteStream {
    return this.stream;
  }
}

/**
 * Gathers small strings as UTF-8 into chunks of about `size` bytes before they go to the sink:
 * encoding each piece straight into a buffer avoids building (and flattening) one huge string.
 */
export class TextChunker {
  private buffer: Buffer;
  private used = 0;

  constructor(private readonly size = 256 * 1024) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** Adds text; returns a full chunk when enough has gathered, else null. */
  add(text: string): Buffer | null {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    if (this.used + text.length * 3 > this.buffer.length) {
      if (text.length * 3 > this.size) {
        const chunk = Buffer.concat([this.take(), Buffer.from(text, 'utf8')]);
        return chunk;
      }
      const chunk = this.take();
      this.used = this.buffer.write(text, 0, 'utf8');
      return chunk;
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
    return null;
  }

  /** Hands over what has gathered; the chunk is never written to again. */
  take(): Buffer {
    const chunk = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(this.size);
    this.used = 0;
    return chunk;
  }
}

/** Iterates sync or async rows alike. */
export async function* iterateRows<T>(rows: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  if (Symbol.asyncIterator in rows) {
    yield* rows as AsyncIterable<T>;
  } else {
    yield* rows as Iterable<T>;
  }
}

/** Throws the signal's reason (an AbortError) when the export was cancelled. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

export function abortError(): Error {
  const error = new Error('The export was cancelled.');
  error.name = 'AbortError';
  return error;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * Lets timers and I/O run between chunks: SQLite reads are synchronous, so without this an
 * export would hold the event loop (and the cancel request) until it finished.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
