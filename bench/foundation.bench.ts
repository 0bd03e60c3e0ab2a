import { createTestBackend, signedInContext, testAdminPassword } from '../test/support/backend';
import { startHttpServer } from '../src/main/server/http-server';
import { formatLatency, measureLatency, type BenchSuite } from './harness';

/** The cost every call pays: the router (access check, zod parse, envelope) and the HTTP hop. */
export const foundationSuite: BenchSuite = {
  name: 'foundation: RPC overhead',
  async run({ log }) {
    const backend = await createTestBackend({ validateOutput: false });
    try {
      const context = await signedInContext(backend, 'admin', testAdminPassword);
      const router = await measureLatency('router call (system:info)', 5000, () => backend.router.call('system:info', {}, context));
      log(formatLatency(router, 1));
      const server = await startHttpServer({ backend, port: 0 });
      const signIn = await fetch(`${server.url}/api/rpc/auth:sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: testAdminPassword }),
      });
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const csrf = ((await signIn.json()) as { data: { csrfToken: string } }).data.csrfToken;
      const http = await measureLatency('HTTP round trip (system:info)', 2000, async () => {
        const response = await fetch(`${server.url}/api/rpc/system:info`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
          body: '{}',
        });
        await response.json();
      });
      // Client and server share one event loop here, so this overstates the hop a browser sees.
      log(formatLatency(http, 20));
      await server.close();
      return router.p95Ms <= 1 && http.p95Ms <= 20;
    } finally {
      await backend.cleanup();
    }
  },
};
