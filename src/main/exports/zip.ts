import { pipeline } from 'node:stream/promises';
import { constants, crc32, createDeflateRaw } from 'node:zlib';
import { shanghaiWallClock } from '../../shared/time';
import type { FileSink } from './sink';

interface CentralEntry {
  name: Buffer;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

/** General-purpose flags: bit 3 = sizes follow in a data descriptor; bit 11 = UTF-8 names. */
const streamingFlags = 0x0008 | 0x0800;
const deflateMethod = 8;
const versionNeeded = 20;
const zip32Limit = 0xffff_ffff;

function dosDateTime(epochMs: number): { time: number; date: number } {
  // ZIP stores local wall time; the workbook's parts carry the time they were written in Shanghai.
  const wall = shanghaiWallClock(epochMs);
  const year = Math.max(1980, wall.getUTCFullYear());
  return {
    time: (wall.getUTCHours() << 11) | (wall.getUTCMinutes() << 5) | Math.floor(wall.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((wall.getUTCMonth() + 1) << 5) | wall.getUTCDate(),
  };
}

/**
 * A ZIP archive written as a stream: each entry is deflated as its data arrives and its CRC and
 * sizes follow in a data descriptor, so no entry is ever held whole in memory. The central
 * directory (a few dozen bytes per entry) is the only thing kept until the end.
 */
export class ZipWriter {
  private readonly entries: CentralEntry[] = [];
  private readonly stamp: { time: number; date: number };

  constructor(
    private readonly sink: FileSink,
    modifiedAt: number,
    private readonly level = 6,
  ) {
    this.stamp = dosDateTime(modifiedAt);
  }

  /** Adds one entry whose content streams from `source` (strings are UTF-8 encoded). */
  async addEntry(name: string, source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, signal?: AbortSignal): Promise<void> {
    const nameBytes = Buffer.from(name, 'utf8');
    const offset = this.sink.bytes;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(versionNeeded, 4);
    header.writeUInt16LE(streamingFlags, 6);
    header.writeUInt16LE(deflateMethod, 8);
    header.writeUInt16LE(this.stamp.time, 10);
    header.writeUInt16LE(this.stamp.date, 12);
    // CRC and sizes are zero here: they follow the data in the descriptor.
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    await this.sink.write(Buffer.concat([header, nameBytes]));

    let crc = 0;
    let size = 0;
    let compressedSize = 0;
    const sink = this.sink;
    await pipeline(
      source,
      async function* measure(chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>) {
        for await (const chunk of chunks) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
          if (bytes.length === 0) continue;
          crc = crc32(bytes, crc);
          size += bytes.length;
          yield bytes;
        }
      },
      createDeflateRaw({ level: this.level, memLevel: 8, strategy: constants.Z_DEFAULT_STRATEGY }),
      async function store(compressed: AsyncIterable<Buffer>) {
        for await (const chunk of compressed) {
          compressedSize += chunk.length;
          await sink.write(chunk);
        }
      },
      { signal },
    );
    if (size > zip32Limit || compressedSize > zip32Limit || offset > zip32Limit) {
      throw new Error('The export is larger than 4 GiB, which a ZIP without ZIP64 cannot hold; narrow the filters.');
    }
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    descriptor.writeUInt32LE(compressedSize, 8);
    descriptor.writeUInt32LE(size, 12);
    await this.sink.write(descriptor);
    this.entries.push({ name: nameBytes, crc: crc >>> 0, compressedSize, size, offset });
  }

  /** Writes the central directory and the end record; the archive is complete after this. */
  async finish(): Promise<void> {
    const start = this.sink.bytes;
    const parts: Buffer[] = [];
    for (const entry of this.entries) {
      const record = Buffer.alloc(46);
      record.writeUInt32LE(0x02014b50, 0);
      record.writeUInt16LE(versionNeeded, 4);
      record.writeUInt16LE(versionNeeded, 6);
      record.writeUInt16LE(streamingFlags, 8);
      record.writeUInt16LE(deflateMethod, 10);
      record.writeUInt16LE(this.stamp.time, 12);
      record.writeUInt16LE(this.stamp.date, 14);
      record.writeUInt32LE(entry.crc, 16);
      record.writeUInt32LE(entry.compressedSize, 20);
      record.writeUInt32LE(entry.size, 24);
      record.writeUInt16LE(entry.name.length, 28);
      record.writeUInt32LE(entry.offset, 42);
      parts.push(record, entry.name);
    }
    const directory = Buffer.concat(parts);
    if (start + directory.length > zip32Limit) throw new Error('The export is larger than 4 GiB; narrow the filters.');
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(start, 16);
    await this.sink.write(Buffer.concat([directory, end]));
  }
}
