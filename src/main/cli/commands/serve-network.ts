import { isIP } from 'node:net';
import { loopbackProxies } from '../../server/client-address';
import { checkExposure, ListenRefusedError, parseListenAddress, type NetworkOptions } from '../../server/listen';
import { UsageError } from '../command';
import { parsePort } from '../options';

/**
 * `--behind-proxy` may stand alone (a proxy on this machine); parseArgs wants a value, so a bare
 * flag gets the loopback addresses.
 */
export function withBehindProxyDefault(args: readonly string[]): string[] {
  return args.flatMap((arg, index) => {
    if (arg !== '--behind-proxy') return [arg];
    const next = args[index + 1];
    return next === undefined || next.startsWith('--') ? [arg, loopbackProxies.join(',')] : [arg];
  });
}

interface ServeNetworkFlags {
  port?: string;
  listen?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'public-url'?: string;
  'behind-proxy'?: string;
}

/** The serve command's network flags, checked together; an unsafe exposure is a usage error before anything opens. */
export function networkOptions(flags: ServeNetworkFlags, readFile: (file: string) => Buffer): NetworkOptions & { port: number } {
  if (flags.listen !== undefined && flags.port !== undefined) throw new UsageError('Give either --port or --listen, not both.');
  let host = '127.0.0.1';
  let port = parsePort(flags.port, 4780);
  if (flags.listen !== undefined) {
    try {
      ({ host, port } = parseListenAddress(flags.listen));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const certFile = flags['tls-cert'];
  const keyFile = flags['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--tls-cert and --tls-key go together.');
  let tls: NetworkOptions['tls'] = null;
  if (certFile !== undefined && keyFile !== undefined) {
    try {
      tls = { cert: readFile(certFile), key: readFile(keyFile) };
    } catch (error) {
      throw new UsageError(`Cannot read the TLS certificate or key: ${(error as Error).message}`);
    }
  }
  let publicUrl: string | null = null;
  if (flags['public-url'] !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(flags['public-url']);
    } catch {
      throw new UsageError(`--public-url must be an absolute URL such as https://desk.example.com, not “${flags['public-url']}”.`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UsageError('--public-url must start with https:// (or http:// on loopback).');
    publicUrl = parsed.origin;
  }
  const behindProxy = flags['behind-proxy']?.split(',').map((address) => address.trim()).filter((address) => address !== '') ?? null;
  const notAnAddress = behindProxy?.find((address) => isIP(address) === 0);
  if (notAnAddress !== undefined) throw new UsageError(`--behind-proxy takes the proxy’s IP addresses, not “${notAnAddress}”.`);
  const options = { host, port, tls, publicUrl, behindProxy };
  try {
    checkExposure(options);
  } catch (error) {
    if (error instanceof ListenRefusedError) throw new UsageError(error.message);
    throw error;
  }
  return options;
}
