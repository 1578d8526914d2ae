import { describe, expect, it } from 'vitest';
import { addressKeyOf, Throttle } from '../../../server/authz/throttle.ts';

const limits = { failures: 2, windowSeconds: 60, blockSeconds: 120 };

describe('Throttle', () => {
  it('blocks an address and a name past their limits, and lists them', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const throttle = new Throttle({ perAddress: limits, perUser: limits, now: () => now });
    await throttle.recordFailure('192.0.2.1', 'Alice');
    await throttle.recordFailure('192.0.2.1', 'alice');
    expect(throttle.addressBlockedFor('192.0.2.1')).toBe(0);
    await throttle.recordFailure('192.0.2.1', 'ALICE');
    expect(throttle.addressBlockedFor('192.0.2.1')).toBe(120);
    expect(throttle.userBlockedFor('alice')).toBe(120);
    expect(throttle.addressBlockedFor('192.0.2.2')).toBe(0);
    expect(throttle.list()).toEqual([
      { kind: 'address', key: '192.0.2.1', failures: 3, blockedUntil: '2026-01-01T00:02:00.000Z' },
      { kind: 'user', key: 'alice', failures: 3, blockedUntil: '2026-01-01T00:02:00.000Z' },
    ]);
  });

  it('forgets a block on reset, and says when there was nothing to forget', async () => {
    const throttle = new Throttle({ perAddress: limits, perUser: limits });
    for (let i = 0; i < 3; i++) await throttle.recordFailure(null, 'bob');
    expect(throttle.addressBlockedFor(null)).toBeGreaterThan(0);
    expect(await throttle.reset('user', 'BOB')).toBe(true);
    expect(throttle.userBlockedFor('bob')).toBe(0);
    expect(await throttle.reset('address', 'unknown')).toBe(true);
    expect(throttle.addressBlockedFor(null)).toBe(0);
    expect(await throttle.reset('user', 'nobody')).toBe(false);
    expect(throttle.list()).toEqual([]);
  });

  it('lifts a block once its time is over', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const throttle = new Throttle({ perAddress: limits, now: () => now });
    for (let i = 0; i < 3; i++) await throttle.recordFailure('192.0.2.9', null);
    now += 120_000;
    expect(throttle.addressBlockedFor('192.0.2.9')).toBe(0);
    expect(throttle.list()).toEqual([]);
  });

  it('counts and blocks IPv6 clients per /64, since one host can pick any address in it', async () => {
    const throttle = new Throttle({ perAddress: limits });
    await throttle.recordFailure('2001:db8:1:2::1', null);
    await throttle.recordFailure('2001:db8:1:2:aaaa::9', null);
    await throttle.recordFailure('2001:DB8:1:2:ffff:ffff:ffff:ffff', null);
    expect(throttle.addressBlockedFor('2001:db8:1:2::77')).toBe(120);
    expect(throttle.addressBlockedFor('2001:db8:1:3::1')).toBe(0);
    expect(throttle.list()).toEqual([expect.objectContaining({ kind: 'address', key: '2001:db8:1:2::/64' })]);
    expect(await throttle.reset('address', '2001:db8:1:2::1234')).toBe(true);
    expect(throttle.addressBlockedFor('2001:db8:1:2::77')).toBe(0);
  });

  it('names an address key only for a canonical address, its /64, or "unknown"', () => {
    expect(addressKeyOf('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKeyOf('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKeyOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKeyOf('2001:db8:1:2::/64')).toBe('2001:db8:1:2::/64');
    expect(addressKeyOf(null)).toBe('unknown');
    expect(addressKeyOf('unknown')).toBe('unknown');
    for (const junk of ['192.0.2.1/64', '2001:db8::/48', '127.1', 'example.org', '2001:db8::/', '']) {
      expect(addressKeyOf(junk)).toBeNull();
    }
  });

  it('counts at most maxKeys keys per kind, forgetting the least recently failing, and says so', async () => {
    const full: string[] = [];
    const throttle = new Throttle({
      perAddress: limits,
      perUser: limits,
      maxKeys: 3,
      onFull: (kind) => full.push(kind),
    });
    // 192.0.2.1 fails twice (one short of a block), then three other addresses push it out.
    await throttle.recordFailure('192.0.2.1', null);
    await throttle.recordFailure('192.0.2.1', null);
    for (const other of ['192.0.2.2', '192.0.2.3', '192.0.2.4']) await throttle.recordFailure(other, null);
    await throttle.recordFailure('192.0.2.1', null);
    expect(throttle.addressBlockedFor('192.0.2.1')).toBe(0);
    // A key that keeps failing stays the most recent and is blocked as usual.
    await throttle.recordFailure('192.0.2.4', null);
    await throttle.recordFailure('192.0.2.4', null);
    expect(throttle.addressBlockedFor('192.0.2.4')).toBe(120);
    // Told once (at most once a minute), not on every forgotten key.
    expect(full).toEqual(['address']);
    for (const name of ['a', 'b', 'c', 'd', 'e']) await throttle.recordFailure(null, name);
    expect(full).toEqual(['address', 'user']);
  });

  it('keeps at most twice maxKeys blocks, lifting the oldest early', async () => {
    const throttle = new Throttle({ perAddress: limits, maxKeys: 1 });
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      for (let i = 0; i < 3; i++) await throttle.recordFailure(address, null);
    }
    expect(throttle.list().map((entry) => entry.key)).toEqual(['192.0.2.2', '192.0.2.3']);
    expect(throttle.addressBlockedFor('192.0.2.1')).toBe(0);
  });
});
