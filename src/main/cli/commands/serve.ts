import { parseArgs } from 'node:util';
import { DatabaseTooNewError } from '../../db/connection';
import { downloadRoute } from '../../exports/download-route';
import { reviewImageRoute } from '../../review/image-route';
import { startBackend } from '../../runtime/backend';
import { startBackgroundWork } from '../../runtime/capabilities';
import { startHttpServer } from '../../server/http-server';
import type { CliCommand } from '../command';
import { findRendererDir, parsePort, resolveDataDir, write } from '../options';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run CreditDesk headless: the back end and the renderer over HTTP on 127.0.0.1',
  usage: `Usage: creditdesk serve [--port 4780] [--data-dir DIR] [--demo]

Starts the same back end as the desktop application as an HTTP server bound to 127.0.0.1,
serving the built renderer (run "npm run build" first), the RPC contract at
POST /api/rpc/<channel>, server-sent events at /api/events and GET /healthz.

Options:
  --port N        port to listen on (default 4780; 0 picks a free port)
  --data-dir DIR  data folder (default: the OS's per-user app data folder, or $CREDITDESK_DATA_DIR)
  --demo          start the three embedded demo institutions and sync them (reused on restart)
  --help          show this help

On the first start an "admin" account is created; its password comes from
$CREDITDESK_ADMIN_PASSWORD or is generated and printed once.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, demo: { type: 'boolean', default: false } },
      strict: true,
    });
    const port = parsePort(values.port, 4780);
    const dataDir = resolveDataDir(values['data-dir'], io.env);
    let backend;
    try {
      backend = await startBackend({
        dataDir,
        shell: 'headless',
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
      server = await startHttpServer({ backend, port, staticDir: rendererDir, routes: [downloadRoute(backend.services.exports), reviewImageRoute(backend.services.review)] });
    } catch (error) {
      await backend.close();
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE') {
        write(io.stderr, `Port ${port} is in use; choose another with --port.`);
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
