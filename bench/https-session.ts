/**
 * A reviewer's HTTPS session for the team benches (team.bench.ts, team-http.bench.ts): its own
 * keep-alive connection, cookie and CSRF token, as a desktop or a browser holds them.
 */
import { Agent, request } from 'node:https';
import { testOperatorPassword } from '../test/support/backend';

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** One reviewer's HTTPS session: its own keep-alive connection, cookie and CSRF token. */
export class Session {
  private cookie = '';
  private csrf = '';
  private readonly agent: Agent;
  constructor(
    private readonly url: string,
    ca: string,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 1, ca });
  }

  retries = 0;

  /** One call; a kept-alive socket the server closed meanwhile (ECONNRESET) is retried on a new one. */
  async call<T>(channel: string, input: unknown): Promise<{ envelope: Envelope<T>; ms: number }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(channel, input);
      } catch (error) {
        if (attempt >= 2 || (error as { code?: string }).code !== 'ECONNRESET') throw error;
        this.retries++;
      }
    }
  }

  private once<T>(channel: string, input: unknown): Promise<{ envelope: Envelope<T>; ms: number }> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.cookie) headers.cookie = this.cookie;
      if (this.csrf) headers['x-csrf-token'] = this.csrf;
      const call = request(`${this.url}/api/rpc/${channel}`, { method: 'POST', agent: this.agent, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const cookie = response.headers['set-cookie']?.[0]?.split(';')[0];
          if (cookie) this.cookie = cookie;
          resolve({ envelope: JSON.parse(text) as Envelope<T>, ms: performance.now() - started });
        });
      });
      call.on('error', reject);
      call.end(JSON.stringify(input));
    });
  }

  /** One call's data; a refused call rejects with its message. */
  async data<T>(channel: string, input: unknown): Promise<T> {
    const { envelope } = await this.call<T>(channel, input);
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
    return envelope.data;
  }

  async signIn(username: string): Promise<void> {
    const { envelope } = await this.call<{ csrfToken: string }>('auth:sign-in', { username, password: testOperatorPassword });
    if (!envelope.ok) throw new Error(`sign-in ${username}: ${envelope.error.message}`);
    this.csrf = envelope.data.csrfToken;
  }

  close(): void {
    this.agent.destroy();
  }
}
