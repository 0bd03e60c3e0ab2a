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
  /** How long debug and info lines may wait in memory before they are written (ms); 0 writes each at once. */
  flushMs?: number;
}

/** Defaults: a line carries a message and some fields, never a request body. */
export const defaultMaxLineBytes = 8 * 1024;
export const defaultMaxFileBytes = 50 * 1024 * 1024;
export const defaultFlushMs = 100;
/** Past this many bytes waiting, lines are written at once whatever their level. */
const maxPendingBytes = 64 * 1024;

/** Sinks with lines waiting: written out when the process exits (process.exit, an uncaught error). */
const unflushed = new Set<LogSink>();
let exitHookInstalled = false;
function flushOnExit(sink: LogSink): void {
  unflushed.add(sink);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const waiting of [...unflushed]) waiting.flush();
  });
}

/**
 * One JSON line per entry into `creditdesk-YYYY-MM-DD.log` (Asia/Shanghai day). Every entry goes
 * through redaction first: secrets are dropped, personal data is masked, so a log can be sent to
 * support as-is.
 *
 * Debug and info lines wait in memory for up to `flushMs` (or 64 KB) and leave in one write: a
 * write per line was a system call on every call of a busy server (docs/performance.md, "Team
 * server"). A warning or an error is written at once, after the lines before it, so the lines
 * that explain a failure are on disk when the error is, even if the process is killed right
 * after. Waiting lines are written on `close()`, when the process exits (process.exit, an
 * uncaught exception), and at a day's change; only a process killed from outside (SIGKILL, power)
 * within `flushMs` of an info line loses that line.
 */
export class LogSink {
  private fd: number | null = null;
  private day = '';
  /** The minute (epoch ms / 60,000) `day` was last found for: a Shanghai day starts on a minute. */
  private minute = Number.NaN;
  /** Bytes in today's file as this process knows it (its size at open plus what it wrote). */
  private fileBytes = 0;
  private dropping = false;
  /** Lines for `fd` not written yet, and their bytes. */
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
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
      const bytes = Buffer.byteLength(line);
      if (this.fileBytes + bytes > maxFile) {
        // One line says so; everything else that day goes to the console echo only.
        this.dropping = true;
        this.flush();
        const note = `${JSON.stringify({ time, level: 'warn', scope: 'log', message: `daily log limit of ${maxFile} bytes reached: further lines of this day are dropped` })}\n`;
        writeSync(fd, note);
        return;
      }
      this.fileBytes += bytes;
      this.pending.push(line);
      this.pendingBytes += bytes;
      const flushMs = this.options.flushMs ?? defaultFlushMs;
      if (levelRank[level] >= levelRank.warn || flushMs <= 0 || this.pendingBytes >= maxPendingBytes) {
        this.flush();
      } else if (this.timer === null) {
        this.timer = setTimeout(() => this.flush(), flushMs);
        this.timer.unref();
        flushOnExit(this);
      }
    } catch {
      // A full disk must not take the application down with it; the console echo remains.
    }
  }

  /** Writes the lines waiting in memory (a warning or an error does this itself). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    unflushed.delete(this);
    if (this.pending.length === 0 || this.fd === null) return;
    const text = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    try {
      writeSync(this.fd, text);
    } catch {
      // As for a single line: the disk's trouble is not the application's.
    }
  }

  private fileFor(time: number): number {
    const minute = Math.floor(time / 60_000);
    if (this.fd !== null && minute === this.minute) return this.fd;
    const day = shanghaiDate(time);
    this.minute = minute;
    if (this.fd !== null && day === this.day) return this.fd;
    this.flush();
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
    this.flush();
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
