import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
