import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { signedFetch } from '../../../../test/fixtures/simulator/client';
import { UsageError } from '../command';
import { simulatorCommand } from './simulator';
import { until } from '../../../../test/support/until';

function io(signal: AbortSignal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { io: { stdout, stderr, env: {}, shutdownSignal: signal }, output: () => text };
}

describe('creditdesk simulator', () => {
  it('prints each institution’s base URL, app id and secret, serves until stopped, and exits 0', async () => {
    const stop = new AbortController();
    const { io: cliIo, output } = io(stop.signal);
    const running = simulatorCommand.run(
      ['--port', '0', '--borrowers', '80', '--institutions', 'qinghe,yuanshan', '--seed', 'cli', '--now', '2026-11-25T10:00:00+08:00', '--faults', 'rate429=1'],
      cliIo,
    );
    await until(() => output().includes('Ctrl+C to stop'), 'the simulator to say it serves', 60_000);
    const text = output();
    const baseUrl = /base URL: (\S+\/inst\/yuanshan)/.exec(text)?.[1];
    const block = text.slice(text.indexOf('yuanshan  '));
    const appId = /app id:\s+(\S+)/.exec(block)?.[1];
    const secret = /secret:\s+(\S+)/.exec(block)?.[1];
    expect(text).toContain('(no repayment plans)');
    expect(baseUrl && appId && secret).toBeTruthy();
    const response = await signedFetch({ baseUrl: baseUrl!, appId: appId!, secret: secret! }, '/v1/capabilities');
    // --faults rate429=1: every signed request is rate limited, which shows the flag reached the server.
    expect(response.status).toBe(429);
    stop.abort();
    await expect(running).resolves.toBe(0);
    expect(output()).toContain('Simulator stopped.');
  }, 60_000);

  it('prints its usage for --help and refuses bad arguments with a UsageError', async () => {
    const { io: cliIo, output } = io(new AbortController().signal);
    await expect(simulatorCommand.run(['--help'], cliIo)).resolves.toBe(0);
    expect(output()).toContain('--tick-every DUR');
    await expect(simulatorCommand.run(['--borrowers', 'many'], cliIo)).rejects.toThrow(UsageError);
    await expect(simulatorCommand.run(['--institutions', 'nowhere'], cliIo)).rejects.toThrow(/Unknown institution code "nowhere"/);
    await expect(simulatorCommand.run(['--faults', 'rate418=1'], cliIo)).rejects.toThrow(UsageError);
    await expect(simulatorCommand.run(['--tick-every', 'soon'], cliIo)).rejects.toThrow(UsageError);
    await expect(simulatorCommand.run(['--colour'], cliIo)).rejects.toThrow(UsageError);
  });

  it('says which port is taken instead of failing obscurely', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const { io: cliIo } = io(new AbortController().signal);
      await expect(simulatorCommand.run(['--port', String(port), '--borrowers', '20'], cliIo)).rejects.toThrow(`Port ${port} is in use`);
    } finally {
      blocker.close();
    }
  });
});
