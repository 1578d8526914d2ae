import { describe, expect, it } from 'vitest';
import { Throttle } from '../../../server/authz/throttle.ts';

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
});
