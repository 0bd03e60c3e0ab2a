import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { shanghaiDate } from '../../shared/time';
import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
  /** A logger whose entries carry the given scope (e.g. "sync", "rpc"). */
  child(scope: string): Logger;
}

export interface LogSinkOptions {
  /** Folder of the daily files; null keeps logs only on the console (tests). */
  directory: string | null;
  level?: LogLevel;
  /** Files older than this many days are deleted at rotation. */
  retainDays?: number;
  /** Also echo warnings and errors (or everything, with 'all') to stderr. */
  console?: 'none' | 'warnings' | 'all';
  now?: () => number;
  /** A line longer than this (bytes) keeps its level, scope and cut message, not its data. */
  maxLineBytes?: number;
  /** A daily file stops growing at this size (bytes), with one line saying lines were dropped. */
  maxFileBytes?: number;
}

/** Defaults: a line carries a message and some fields, never a request body. */
export const defaultMaxLineBytes = 8 * 1024;
export const defaultMaxFileBytes = 50 * 1024 * 1024;

/**
 * One JSON line per entry into `creditdesk-YYYY-MM-DD.log` (Asia/Shanghai day). Every entry goes
 * through redaction first: secrets are dropped, personal data is masked, so a log can be sent to
 * support as-is.
 */
export class LogSink {
  private fd: number | null = null;
  private day = '';
  /** The minute (epoch ms / 60,000) `day` was last found for: a Shanghai day starts on a minute. */
  private minute = Number.NaN;
  /** Bytes in today's file as this process knows it (its size at open plus what it wrote). */
  private fileBytes = 0;
  private dropping = false;
  private readonly level: number;
  private readonly now: () => number;

  constructor(private readonly options: LogSinkOptions) {
    this.level = levelRank[options.level ?? 'info'];
    this.now = options.now ?? Date.now;
    if (options.directory) mkdirSync(options.directory, { recursive: true, mode: 0o700 });
  }

  logger(scope: string): Logger {
    const write = (level: LogLevel, message: string, data?: Record<string, unknown>) =>
      this.write(level, scope, message, data);
    return {
      debug: (message, data) => write('debug', message, data),
      info: (message, data) => write('info', message, data),
      warn: (message, data) => write('warn', message, data),
      error: (message, data) => write('error', message, data),
      child: (child) => this.logger(`${scope}.${child}`),
    };
  }

  write(level: LogLevel, scope: string, message: string, data?: Record<string, unknown>): void {
    if (levelRank[level] < this.level) return;
    const time = this.now();
    const entry: Record<string, unknown> = { time, level, scope, message: redact(message) };
    if (data && Object.keys(data).length > 0) entry.data = redact(data);
    let line = `${JSON.stringify(entry)}\n`;
    const maxLine = this.options.maxLineBytes ?? defaultMaxLineBytes;
    if (Buffer.byteLength(line) > maxLine) {
      // Whatever made it this long (an echoed input, a huge object) is not worth the disk.
      const cut = { time, level, scope, message: String(entry.message).slice(0, 512), data: { cut: true, lineBytes: Buffer.byteLength(line) } };
      line = `${JSON.stringify(cut)}\n`;
    }
    const echo = this.options.console ?? 'warnings';
    if (echo === 'all' || (echo === 'warnings' && levelRank[level] >= levelRank.warn)) process.stderr.write(line);
    if (!this.options.directory) return;
    try {
      const fd = this.fileFor(time);
      const maxFile = this.options.maxFileBytes ?? defaultMaxFileBytes;
      if (this.dropping) return;
      if (this.fileBytes + Buffer.byteLength(line) > maxFile) {
        // One line says so; everything else that day goes to the console echo only.
        this.dropping = true;
        const note = `${JSON.stringify({ time, level: 'warn', scope: 'log', message: `daily log limit of ${maxFile} bytes reached: further lines of this day are dropped` })}\n`;
        writeSync(fd, note);
        return;
      }
      writeSync(fd, line);
      this.fileBytes += Buffer.byteLength(line);
    } catch {
      // A full disk must not take the application down with it; the console echo remains.
    }
  }

  private fileFor(time: number): number {
    const minute = Math.floor(time / 60_000);
    if (this.fd !== null && minute === this.minute) return this.fd;
    const day = shanghaiDate(time);
    this.minute = minute;
    if (this.fd !== null && day === this.day) return this.fd;
    if (this.fd !== null) closeSync(this.fd);
    this.day = day;
    const file = path.join(this.options.directory as string, `creditdesk-${day}.log`);
    this.fd = openSync(file, 'a', 0o600);
    this.fileBytes = statSync(file).size;
    // Another process may have filled today's file (and said so) already.
    this.dropping = this.fileBytes >= (this.options.maxFileBytes ?? defaultMaxFileBytes);
    this.prune(time);
    return this.fd;
  }

  private prune(time: number): void {
    const retainDays = this.options.retainDays ?? 30;
    const oldest = shanghaiDate(time - retainDays * 86_400_000);
    for (const file of listLogFiles(this.options.directory as string)) {
      if (file.date < oldest) {
        try {
          unlinkSync(path.join(this.options.directory as string, file.name));
        } catch {
          // Another process may have pruned it first.
        }
      }
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export function listLogFiles(directory: string): Array<{ name: string; date: string; sizeBytes: number }> {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .map((name) => /^creditdesk-(\d{4}-\d{2}-\d{2})\.log$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({
      name: match[0],
      date: match[1] as string,
      sizeBytes: statSync(path.join(directory, match[0])).size,
    }))
    .sort((a, b) => b.date.localeCompare(a.date));
}

/** A logger that drops everything: for tests and tools that do not want log files. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
