import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DatabaseTooNewError } from '../../db/connection';
import { downloadRoute } from '../../server/routes/download';
import { reviewImageRoute } from '../../server/routes/evidence-image';
import { startBackend } from '../../runtime/backend';
import { startBackgroundWork } from '../../runtime/background-work';
import { defaultReadWorkers } from '../../runtime/read-pool';
import { startHttpServer } from '../../server/http-server';
import { UsageError, type CliCommand } from '../command';
import { findRendererDir, resolveDataDir, write } from '../options';
import { networkOptions, withBehindProxyDefault } from './serve-network';

export const serveCommand: CliCommand = {
  name: 'serve',
  opensDataFolder: true,
  summary: 'Run CreditDesk headless: the back end and the renderer over HTTP on 127.0.0.1, or as a team server',
  usage: `Usage: creditdesk serve [--port 4780 | --listen HOST:PORT] [--tls-cert FILE --tls-key FILE]
                       [--public-url URL] [--behind-proxy [ADDRESS,...]] [--read-workers N]
                       [--data-dir DIR] [--demo]

Starts the same back end as the desktop application as an HTTP server, serving the built
renderer (run "npm run build" first), the RPC contract at POST /api/rpc/<channel>, server-sent
events at /api/events, GET /api/version and GET /healthz. By default it listens on 127.0.0.1;
a team server listens on the network with TLS (docs/deployment.md).

Options:
  --port N              port on 127.0.0.1 (default 4780; 0 picks a free port)
  --listen HOST:PORT    address to listen on instead, e.g. 0.0.0.0:4780 or [::]:4780; a
                        non-loopback address needs --tls-cert/--tls-key or --behind-proxy
  --tls-cert FILE       the server's certificate chain (PEM); serves HTTPS, cookies are Secure
  --tls-key FILE        its private key (PEM)
  --public-url URL      the address users open (https://desk.example.com): accepted as Host and
                        Origin, and printed as the server's address
  --behind-proxy [ADDR] a TLS-terminating proxy forwards to this server: X-Forwarded-For and
                        X-Forwarded-Proto are believed from these addresses only (comma-separated;
                        default 127.0.0.1,::1)
  --read-workers N      threads that answer the review task screen and queue page, each with
                        its own read-only database connection (default: the CPU count less
                        one, 1 to 4; 0 answers everything on the main thread)
  --data-dir DIR        data folder (default: the OS's per-user app data folder, or $CREDITDESK_DATA_DIR)
  --demo                start the three embedded demo institutions and sync them (kept in the
                        data folder's demo-institutions/: a restart resumes them)
  --help                show this help

On the first start an "admin" account is created; its password comes from
$CREDITDESK_ADMIN_PASSWORD or is generated and printed once.`,
  async run(args, io) {
    const { values } = parseArgs({
      args: withBehindProxyDefault(args),
      options: {
        port: { type: 'string' },
        listen: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'public-url': { type: 'string' },
        'behind-proxy': { type: 'string' },
        'read-workers': { type: 'string' },
        'data-dir': { type: 'string' },
        demo: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const network = networkOptions(values, readFileSync);
    const readWorkers = readWorkersOption(values['read-workers']);
    const dataDir = resolveDataDir(values['data-dir'], io.env);
    let backend;
    try {
      backend = await startBackend({
        dataDir,
        shell: 'headless',
        readWorkers,
        adminPassword: io.env.CREDITDESK_ADMIN_PASSWORD,
        onFirstAdmin: ({ username, generatedPassword }) => {
          if (generatedPassword) {
            write(io.stdout, `First start: created the account "${username}" with the password ${generatedPassword}`);
            write(io.stdout, 'It is shown only this once; you will be asked to change it at first sign-in.');
          } else {
            write(io.stdout, `First start: created the account "${username}" with the password from CREDITDESK_ADMIN_PASSWORD.`);
          }
        },
      });
    } catch (error) {
      if (error instanceof DatabaseTooNewError) {
        write(io.stderr, error.message);
        return 1;
      }
      throw error;
    }
    const rendererDir = findRendererDir();
    if (!rendererDir) write(io.stderr, 'Warning: the renderer is not built (run "npm run build"); only the API is served.');
    let server;
    try {
      server = await startHttpServer({ backend, ...network, staticDir: rendererDir, routes: [downloadRoute(backend.services.exports), reviewImageRoute(backend.services.review)] });
    } catch (error) {
      await backend.close();
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE') {
        write(io.stderr, `Port ${network.port} is in use; choose another with --port or --listen.`);
        return 1;
      }
      throw error;
    }
    try {
      // Configured institutions sync in the background; --demo starts and configures the demo ones first.
      await startBackgroundWork(backend, { demo: values.demo, log: (line) => write(io.stdout, line) });
    } catch (error) {
      await server.close();
      await backend.close();
      write(io.stderr, `Background sync could not start: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
    write(io.stdout, `CreditDesk is serving on ${server.url} (data: ${dataDir})`);
    await new Promise<void>((resolve) => {
      if (io.shutdownSignal.aborted) resolve();
      else io.shutdownSignal.addEventListener('abort', () => resolve(), { once: true });
    });
    write(io.stdout, 'Stopping...');
    await server.close();
    await backend.close();
    return 0;
  },
};

function readWorkersOption(value: string | undefined): number {
  if (value === undefined) return defaultReadWorkers();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0 || count > 16) throw new UsageError(`--read-workers must be an integer from 0 to 16, not “${value}”.`);
  return count;
}
