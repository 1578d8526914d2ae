import { describe, expect, it } from 'vitest';
import { trustedProxyMatcher } from '../../atlassian-sim/trusted-proxies.ts';

// Which TCP peers the simulated site lets assert a user with X-Forwarded-User.
describe('trustedProxyMatcher', () => {
  it('trusts nobody by default', () => {
    expect(trustedProxyMatcher([])('127.0.0.1')).toBe(false);
  });

  it('matches exact addresses, also when the peer is IPv4-mapped IPv6', () => {
    const trusted = trustedProxyMatcher(['127.0.0.2']);
    expect(trusted('127.0.0.2')).toBe(true);
    expect(trusted('::ffff:127.0.0.2')).toBe(true);
    expect(trusted('127.0.0.1')).toBe(false);
    expect(trusted('::ffff:127.0.0.1')).toBe(false);
  });

  it('matches IPv4 and IPv6 CIDRs, and mapped CIDR entries', () => {
    const trusted = trustedProxyMatcher(['10.0.0.0/8', 'fd00::/8', '::ffff:192.168.1.0/120']);
    expect(trusted('10.20.30.40')).toBe(true);
    expect(trusted('11.0.0.1')).toBe(false);
    expect(trusted('fd12::1')).toBe(true);
    expect(trusted('fe80::1')).toBe(false);
    expect(trusted('192.168.1.77')).toBe(true);
    expect(trusted('192.168.2.1')).toBe(false);
  });

  it('never trusts a missing or malformed peer address', () => {
    const trusted = trustedProxyMatcher(['0.0.0.0/0']);
    expect(trusted('')).toBe(false);
    expect(trusted('not-an-ip')).toBe(false);
  });

  it('fails fast on a malformed entry', () => {
    expect(() => trustedProxyMatcher(['127.0.0.300'])).toThrow(/trustedProxies/);
    expect(() => trustedProxyMatcher(['10.0.0.0/33'])).toThrow(/trustedProxies/);
  });
});
