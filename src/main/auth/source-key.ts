import { isIP } from 'node:net';

/**
 * The throttles' key for a sign-in source. An IPv4 address is one source. An IPv6 host is
 * normally given a whole /64 (SLAAC, privacy addresses) and can take a fresh address for every
 * guess, so an IPv6 source is its /64; an address of the NAT64 prefix 64:ff9b::/96 is the IPv4
 * host it stands for. Anything else (`local` over IPC) is kept as it is. The audit log keeps
 * the full address: this key only groups attempts.
 */
export function throttleSourceKey(source: string): string {
  if (isIP(source) !== 6) return source;
  const groups = ipv6Groups(source);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0)) {
    const [high, low] = [groups[6] as number, groups[7] as number];
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail read as two groups). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  return [...left, ...Array.from({ length: tail === undefined ? 0 : missing }, () => '0'), ...right].map((group) => parseInt(group, 16));
}
