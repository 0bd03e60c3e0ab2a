import { expect, it } from 'vitest';
import { throttleSourceKey } from './source-key';

it('keys an IPv6 source by its /64, a NAT64 address by its IPv4 host, and leaves the rest alone', () => {
  expect(throttleSourceKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
  expect(throttleSourceKey('2001:DB8:1:2:ffff:ffff:ffff:fffe')).toBe('2001:db8:1:2::/64');
  expect(throttleSourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
  expect(throttleSourceKey('::1')).toBe('0:0:0:0::/64');
  expect(throttleSourceKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  expect(throttleSourceKey('64:ff9b::203.0.113.9')).toBe('203.0.113.9');
  expect(throttleSourceKey('64:ff9b::cb00:7109')).toBe('203.0.113.9');
  expect(throttleSourceKey('203.0.113.9')).toBe('203.0.113.9');
  expect(throttleSourceKey('local')).toBe('local');
});
