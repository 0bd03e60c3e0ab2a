/**
 * A channel's answer that is already JSON (a read worker encodes what it read: runtime/read-pool.ts),
 * as UTF-8 bytes. The HTTP transport puts the bytes into its reply as they are (it calls the router
 * with `context.jsonAnswers`); every other caller gets the data parsed back (the desktop's IPC,
 * tests). So a team server's main thread never parses an answer only to write it again. Never part
 * of the contract: no client sees one.
 */
export class EncodedJson<T = unknown> {
  /** Only the type: the value it stands for, once parsed. */
  declare readonly data?: T;
  constructor(readonly bytes: Uint8Array) {}
}

/** The value itself, parsed from its JSON when it is an `EncodedJson`. */
export function decodedJson<T>(value: T | EncodedJson<T>): T {
  if (!(value instanceof EncodedJson)) return value;
  return JSON.parse(Buffer.from(value.bytes.buffer, value.bytes.byteOffset, value.bytes.byteLength).toString('utf8')) as T;
}
