import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempFolders } from '../../../test/support/temp-folders';
import { LogSink } from './logger';

const folders = tempFolders();
afterEach(() => folders.removeAll());

function lines(directory: string): Array<Record<string, unknown>> {
  return readdirSync(directory).flatMap((name) =>
    readFileSync(path.join(directory, name), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
}

describe('the daily log file', () => {
  it('keeps ten requests that echo a 1 MB input to a few kilobytes', () => {
    const directory = folders.folder();
    const sink = new LogSink({ directory, console: 'none' });
    const echoed = `Invalid value ${'9'.repeat(1_000_000)}`;
    for (let index = 0; index < 10; index++) sink.logger('rpc').error('handler failed', { channel: 'x:y', error: echoed, nested: { list: [echoed, echoed, echoed, echoed] } });
    sink.close();
    const size = readdirSync(directory).reduce((sum, name) => sum + statSync(path.join(directory, name)).size, 0);
    expect(size).toBeLessThan(10 * 8 * 1024);
    for (const line of readFileSync(path.join(directory, readdirSync(directory)[0] as string), 'utf8').trim().split('\n')) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(8 * 1024);
    }
    // What remains says it was cut, in a shape Settings > Logs shows.
    expect(lines(directory)[0]).toMatchObject({ level: 'error', scope: 'rpc', message: 'handler failed', data: { cut: true } });
  });

  it('starts the next file at midnight in Shanghai (16:00 UTC), to the millisecond', () => {
    const directory = folders.folder();
    let now = Date.UTC(2026, 11, 7, 15, 59, 0);
    const sink = new LogSink({ directory, console: 'none', now: () => now });
    const log = sink.logger('review');
    log.info('first');
    now = Date.UTC(2026, 11, 7, 15, 59, 59, 999);
    log.info('last of the day');
    now = Date.UTC(2026, 11, 7, 16, 0, 0);
    log.info('first of the next');
    now = Date.UTC(2026, 11, 7, 15, 59, 30);
    log.info('late, from before midnight');
    sink.close();
    const file = (day: string) => readFileSync(path.join(directory, `creditdesk-${day}.log`), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { message: string }).message);
    expect(file('2026-12-07')).toEqual(['first', 'last of the day', 'late, from before midnight']);
    expect(file('2026-12-08')).toEqual(['first of the next']);
  });

  it('stops a daily file at its cap with one line saying lines were dropped', () => {
    const directory = folders.folder();
    const sink = new LogSink({ directory, console: 'none', maxFileBytes: 4096 });
    for (let index = 0; index < 200; index++) sink.logger('sync').info('page synced', { index });
    sink.close();
    const written = lines(directory);
    expect(written.filter((line) => String(line.message).includes('lines of this day are dropped'))).toHaveLength(1);
    expect(written.at(-1)?.message).toContain('daily log limit of 4096 bytes reached');
    const file = path.join(directory, readdirSync(directory)[0] as string);
    expect(statSync(file).size).toBeLessThan(4096 + 512);
    // A second process (or a restart) that day does not add a second note.
    const again = new LogSink({ directory, console: 'none', maxFileBytes: 4096 });
    again.logger('sync').info('page synced', { index: 201 });
    again.close();
    expect(lines(directory)).toHaveLength(written.length);
  });
});

describe('lines waiting in memory', () => {
  afterEach(() => vi.useRealTimers());

  it('writes info lines together within flushMs, and a warning or an error at once after the lines before it', () => {
    vi.useFakeTimers();
    const directory = folders.folder();
    const sink = new LogSink({ directory, console: 'none', flushMs: 100 });
    const log = sink.logger('review');
    log.info('one');
    log.info('two');
    const written = () => readdirSync(directory).flatMap((name) => readFileSync(path.join(directory, name), 'utf8').split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as { message: string }).message));
    expect(written()).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(written()).toEqual(['one', 'two']);
    log.info('three');
    log.warn('four');
    expect(written()).toEqual(['one', 'two', 'three', 'four']);
    log.info('five');
    log.error('six');
    expect(written()).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
    log.info('seven');
    sink.close();
    expect(written().at(-1)).toBe('seven');
  });

  async function child(mode: 'kill' | 'exit' | 'throw'): Promise<{ code: number | null; signal: string | null; messages: string[] }> {
    const directory = folders.folder();
    const process_ = spawn(process.execPath, ['--import', 'tsx', 'test/support/logging-child.ts', directory, mode], { stdio: 'ignore' });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => process_.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])));
    return { code, signal, messages: lines(directory).map((line) => String(line.message)) };
  }

  it('a process killed right after an error line has that line and every line before it on disk', async () => {
    const ended = await child('kill');
    expect(ended.signal).toBe('SIGKILL');
    expect(ended.messages).toEqual(['before', 'before', 'before', 'before', 'before', 'the failure']);
  });

  it('a process that exits or dies of an uncaught exception writes the lines still waiting', async () => {
    const exited = await child('exit');
    expect(exited.code).toBe(3);
    expect(exited.messages).toEqual(['before', 'before', 'before', 'before', 'before']);
    const thrown = await child('throw');
    expect(thrown.code).toBe(1);
    expect(thrown.messages).toHaveLength(5);
  });
});
