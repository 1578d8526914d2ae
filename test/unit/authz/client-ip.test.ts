import { describe, expect, it } from 'vitest';
import {
  canonicalAddress,
  compileAddressList,
  createClientIpResolver,
  type ReverseProxySettings,
} from '../../../server/authz/client-ip.ts';

const behind = (trustedProxies: string[], clientIpHeader = 'X-Forwarded-For'): ReverseProxySettings => ({
  enabled: true,
  trustedProxies,
  clientIpHeader,
});

describe('client IP without reverse-proxy support', () => {
  const resolve = createClientIpResolver({
    enabled: false,
    trustedProxies: ['10.0.0.0/8'],
    clientIpHeader: 'X-Forwarded-For',
  });

  it('is the peer, whatever the forwarding headers say', () => {
    expect(resolve('203.0.113.9', { 'x-forwarded-for': '10.0.0.1' })).toBe('203.0.113.9');
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '198.51.100.1' })).toBe('10.0.0.1');
  });

  it('reports an IPv4 peer seen on a dual-stack socket as plain IPv4', () => {
    expect(resolve('::ffff:192.0.2.10', {})).toBe('192.0.2.10');
  });

  it('is unknown without a peer', () => {
    expect(resolve(undefined, {})).toBeNull();
  });
});

describe('client IP behind trusted proxies', () => {
  const resolve = createClientIpResolver(behind(['10.0.0.0/8', '2001:db8::/32']));

  it('takes the first untrusted entry walking from the right', () => {
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '198.51.100.7, 10.0.0.2' })).toBe('198.51.100.7');
  });

  it('ignores every header from an untrusted peer (forged X-Forwarded-For)', () => {
    expect(resolve('203.0.113.9', { 'x-forwarded-for': '10.0.0.5' })).toBe('203.0.113.9');
  });

  it('never reads past an untrusted entry to a forged one on the left (Gin CVE-2020-28483 style)', () => {
    // The client wrote "10.0.0.5" itself; the proxy appended the real peer 203.0.113.9.
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '10.0.0.5, 203.0.113.9' })).toBe('203.0.113.9');
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '127.0.0.1, 203.0.113.9, 10.0.0.2' })).toBe(
      '203.0.113.9',
    );
  });

  it('takes the leftmost entry when every hop is trusted', () => {
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '10.9.9.9, 10.0.0.2' })).toBe('10.9.9.9');
  });

  it('is the peer when a trusted proxy sent no header', () => {
    expect(resolve('10.0.0.1', {})).toBe('10.0.0.1');
  });

  it('joins several header instances in order, so the last one added is read first', () => {
    expect(resolve('10.0.0.1', { 'x-forwarded-for': ['192.0.2.1', '198.51.100.2, 10.0.0.3'] })).toBe(
      '198.51.100.2',
    );
  });

  it('handles IPv6 hops and IPv4-mapped addresses', () => {
    expect(resolve('2001:db8::1', { 'x-forwarded-for': '2001:db9::5, 2001:db8::2' })).toBe('2001:db9::5');
    expect(resolve('::ffff:10.0.0.1', { 'x-forwarded-for': '::ffff:198.51.100.3' })).toBe('198.51.100.3');
  });

  it('treats an IPv4-mapped hop like its IPv4 address', () => {
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '2001:db9::7, ::ffff:10.0.0.2' })).toBe('2001:db9::7');
  });

  it('reports junk as unknown instead of guessing', () => {
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '198.51.100.7, not-an-ip' })).toBeNull();
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '198.51.100.7:443' })).toBeNull();
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '[2001:db9::1]' })).toBeNull();
  });

  it('never treats non-canonical spellings of trusted addresses as trusted hops', () => {
    // ipaddr.js reads "10.1" as 10.0.0.1; a forger could use it to skip past itself.
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '198.51.100.7, 10.1' })).toBeNull();
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '198.51.100.7, 0x0a000002' })).toBeNull();
  });

  it('ignores empty list items', () => {
    expect(resolve('10.0.0.1', { 'x-forwarded-for': ' , 198.51.100.7 ,, ' })).toBe('198.51.100.7');
  });
});

describe('client IP from X-Real-IP', () => {
  const resolve = createClientIpResolver(behind(['127.0.0.1'], 'X-Real-IP'));

  it('reads the configured header from a trusted proxy only', () => {
    expect(resolve('127.0.0.1', { 'x-real-ip': '198.51.100.9', 'x-forwarded-for': '192.0.2.1' })).toBe(
      '198.51.100.9',
    );
    expect(resolve('127.0.0.2', { 'x-real-ip': '198.51.100.9' })).toBe('127.0.0.2');
  });
});

describe('reverse-proxy support switched on with no trusted proxy', () => {
  it('trusts nobody', () => {
    const resolve = createClientIpResolver(behind([]));
    expect(resolve('10.0.0.1', { 'x-forwarded-for': '198.51.100.1' })).toBe('10.0.0.1');
  });
});

describe('address lists', () => {
  it('match single addresses and CIDR ranges of both families', () => {
    const matches = compileAddressList(['192.0.2.0/24', '198.51.100.7', '2001:db8::/48']);
    expect(matches('192.0.2.200')).toBe(true);
    expect(matches('192.0.3.1')).toBe(false);
    expect(matches('198.51.100.7')).toBe(true);
    expect(matches('198.51.100.8')).toBe(false);
    expect(matches('2001:db8:0:ffff::1')).toBe(true);
    expect(matches('2001:db8:1::1')).toBe(false);
    expect(matches('::ffff:192.0.2.1')).toBe(true);
    expect(matches('junk')).toBe(false);
  });

  it('an empty list matches nothing', () => {
    expect(compileAddressList([])('192.0.2.1')).toBe(false);
  });

  it('an invalid entry is refused when compiled', () => {
    expect(() => compileAddressList(['192.0.2.0/33'])).toThrow();
    expect(() => compileAddressList(['example.com'])).toThrow();
  });

  it('canonical forms only', () => {
    expect(canonicalAddress('192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalAddress('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalAddress('2001:DB8:0::1')).toBe('2001:db8::1');
    expect(canonicalAddress('127.1')).toBeNull();
    expect(canonicalAddress('010.0.0.1')).toBeNull();
    expect(canonicalAddress('')).toBeNull();
  });
});
