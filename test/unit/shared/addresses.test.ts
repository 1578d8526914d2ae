import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { compileAddressList } from '../../../server/authz/client-ip.ts';
import { isRangeWithin } from '../../../shared/addresses.ts';

// What a token may hand on to a token it creates: every address the inner entry covers must be
// one the validation plane lets through the outer entry.
describe('isRangeWithin', () => {
  it.each([
    ['10.1.2.3', '10.0.0.0/8', true],
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.1.0.0/16', '10.0.0.0/8', true],
    ['1.2.3.4', '1.2.3.4', true],
    ['10.0.0.0/7', '10.0.0.0/8', false],
    ['11.0.0.1', '10.0.0.0/8', false],
    ['1.2.3.4', '1.2.3.5', false],
    ['2001:db8:1::7', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['::ffff:10.0.0.1', '10.0.0.0/8', true],
    ['10.0.0.1', '::ffff:10.0.0.0/104', true],
    ['10.0.0.1', '2001:db8::/32', false],
    ['fe80::1%eth0', 'fe80::/10', true],
    ['not-an-ip', '10.0.0.0/8', false],
    ['10.0.0.1', '10.0.0.0/99', false],
  ])('%s within %s: %s', (inner, outer, expected) => {
    expect(isRangeWithin(inner, outer)).toBe(expected);
  });

  const v4 = fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 1, max: 32 })).map(([n, bits]) => {
    const bytes = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    return `${ipaddr.IPv4.networkAddressFromCIDR(`${bytes.join('.')}/${bits}`).toString()}/${bits}`;
  });
  const ends = (range: string) => {
    const [first, last] = [
      ipaddr.IPv4.networkAddressFromCIDR(range),
      ipaddr.IPv4.broadcastAddressFromCIDR(range),
    ];
    return [first.toString(), last.toString()];
  };

  it('agrees with the validation plane: within exactly when both ends of the inner range pass', () => {
    // Near ranges, so both answers occur often: the outer is the inner widened or shifted.
    const pair = fc.tuple(v4, fc.integer({ min: -8, max: 8 }), fc.boolean()).map(([inner, delta, shift]) => {
      const [address = '', bits = '32'] = inner.split('/');
      const outerBits = Math.min(32, Math.max(1, Number(bits) + delta));
      const base = shift
        ? ipaddr.IPv4.parse(address)
            .toByteArray()
            .map((b, i) => (i === 3 ? b ^ 1 : b))
        : null;
      const outerAddress = base ? base.join('.') : address;
      const outer = `${ipaddr.IPv4.networkAddressFromCIDR(`${outerAddress}/${outerBits}`).toString()}/${outerBits}`;
      return [inner, outer] as const;
    });
    fc.assert(
      fc.property(pair, ([inner, outer]) => {
        const allowed = compileAddressList([outer]);
        const [first = '', last = ''] = ends(inner);
        expect(isRangeWithin(inner, outer)).toBe(allowed(first) && allowed(last));
      }),
      { numRuns: 2_000 },
    );
  });
});
