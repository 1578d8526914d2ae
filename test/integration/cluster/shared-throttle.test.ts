// Wrong tokens are counted once across the companions: in PostgreSQL, or in Redis with
// ATA_REDIS_URL. A block made on one is in force on the other, both list it, and lifting it on one
// lifts it everywhere. With its store away, a companion still counts (in its own memory).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/nginx.ts';
import { basic } from '../api/harness.ts';
import {
  createToken,
  type Instance,
  msUntil,
  startTwoCompanions,
  type TwoCompanions,
  wrongToken,
} from './two-companions.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
// The default per-address limit: 30 failures, then blocked.
const ADDRESS_LIMIT = 30;

const admin = basic('admin', 'admin');
const throttles = async (on: Instance) =>
  (await on.http.get('/api-token-auth/api/v1/admin/throttles').set('Authorization', admin).expect(200)).body
    .items as Array<{ kind: string; key: string; failures: number; blockedUntil: string }>;

/** The checks every shared store passes; `c()` is the running pair. */
function sharedCounting(c: () => TwoCompanions) {
  it('counts wrong tokens once across both and blocks the address on both', async () => {
    const { a, b } = c();
    const guesser = '203.0.113.10';
    const { authorization } = await createToken(a);
    // 31 wrong tokens spread over A and B: each alone has seen about half.
    for (let i = 0; i <= ADDRESS_LIMIT; i++) {
      const answer = await (i % 2 === 0 ? a : b).check(wrongToken(), guesser);
      expect(answer).toEqual({ status: 401, reason: 'invalid-token' });
    }
    // Whichever counted the 31st blocked it and told the other: both refuse it now, even a valid token.
    const blockedOn = async (on: Instance) => (await on.check(authorization, guesser)).reason === 'throttled';
    expect(await blockedOn(a)).toBe(true);
    await msUntil(() => blockedOn(b), 1000);
    expect(await b.check(wrongToken(), guesser)).toMatchObject({ reason: 'throttled' });
    // Another address is untouched.
    expect((await b.check(authorization, '203.0.113.11')).status).toBe(200);

    // Both list the block, from the shared store.
    for (const on of [a, b]) {
      expect(await throttles(on)).toEqual([
        expect.objectContaining({ kind: 'address', key: guesser, failures: ADDRESS_LIMIT + 1 }),
      ]);
    }

    // Lifted on A: lifted on B too, within a second.
    await a.http
      .delete(`/api-token-auth/api/v1/admin/throttles/addresses/${guesser}`)
      .set('Authorization', admin)
      .expect(204);
    expect((await a.check(authorization, guesser)).status).toBe(200);
    const delay = await msUntil(async () => (await b.check(authorization, guesser)).status === 200, 1000);
    console.info(`block lifted on A, lifted on B after ${delay.toFixed(1)} ms`);
    expect(await throttles(b)).toEqual([]);
    // Counting starts again from nothing: a single wrong token does not block.
    expect((await b.check(wrongToken(), guesser)).reason).toBe('invalid-token');
    expect((await a.check(authorization, guesser)).status).toBe(200);
  });

  it('counts wrong tokens for a name once across both', async () => {
    const { a, b } = c();
    // 11 wrong tokens claiming carol's name, each from another address: the name is blocked.
    for (let i = 0; i <= 10; i++) {
      await (i % 2 === 0 ? a : b).check(basic('carol', wrongToken().slice(7)), `198.51.100.${100 + i}`);
    }
    await msUntil(
      async () =>
        (await b.check(basic('carol', wrongToken().slice(7)), '198.51.100.200')).reason === 'throttled',
      1000,
    );
    // 11, or 12 when B counted the one it was asked before A's word of the block arrived.
    const [entry, ...more] = await throttles(a);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ kind: 'user', key: 'carol' });
    expect(entry?.failures).toBeGreaterThanOrEqual(11);
    await b.http
      .delete('/api-token-auth/api/v1/admin/throttles/users/carol')
      .set('Authorization', admin)
      .expect(204);
    await msUntil(async () => (await throttles(a)).length === 0, 1000);
  });
}

describe('shared brute-force counters in PostgreSQL', () => {
  let c: TwoCompanions;
  beforeAll(async () => {
    c = await startTwoCompanions();
  });
  afterAll(() => c?.close());
  sharedCounting(() => c);

  it('costs the shared store nothing more once a key is blocked', async () => {
    const { a, b } = c;
    const points = async () =>
      (await c.sql<{ points: number }>("select points from ata_throttle where key = 'user:dave'"))[0]?.points;
    for (let i = 0; i <= 10; i++)
      await a.check(basic('dave', wrongToken().slice(7)), `198.51.100.${150 + i}`);
    await msUntil(
      async () =>
        (await b.check(basic('dave', wrongToken().slice(7)), '198.51.100.170')).reason === 'throttled',
      1000,
    );
    const blockedAt = await points();
    // More wrong tokens for the blocked name, from fresh addresses, on both: refused, not counted.
    for (let i = 0; i < 10; i++) {
      const answer = await (i % 2 === 0 ? a : b).check(
        basic('dave', wrongToken().slice(7)),
        `198.51.100.${180 + i}`,
      );
      expect(answer.reason).toBe('throttled');
    }
    expect(await points()).toBe(blockedAt);
  });

  it('keeps them in a table of the database, one row per counted key', async () => {
    await c.a.check(wrongToken(), '203.0.113.40');
    const rows = await c.sql<{ key: string; points: number }>(
      "select key, points from ata_throttle where key = 'address:203.0.113.40'",
    );
    expect(rows).toEqual([{ key: 'address:203.0.113.40', points: 1 }]);
  });
});

describe('shared brute-force counters in Redis (ATA_REDIS_URL)', () => {
  const prefix = `ata-test-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  let c: TwoCompanions;
  beforeAll(async () => {
    await redis.connect();
    c = await startTwoCompanions({ ATA_REDIS_URL: REDIS_URL, ATA_REDIS_KEY_PREFIX: prefix });
  });
  afterAll(async () => {
    await c?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  sharedCounting(() => c);

  it('keeps them under the key prefix, and nothing in the database', async () => {
    await c.b.check(wrongToken(), '203.0.113.41');
    expect(await redis.get(`${prefix}address:203.0.113.41`)).toBe('1');
    const tables = await c.sql("select 1 from information_schema.tables where table_name = 'ata_throttle'");
    expect(tables).toEqual([]);
  });
});

describe('a shared store that does not answer', () => {
  let c: TwoCompanions;
  beforeAll(async () => {
    // Nothing listens on this port: every Redis command fails at once.
    c = await startTwoCompanions({ ATA_REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  });
  afterAll(() => c?.close());

  it('still counts wrong tokens in each companion and blocks, failing closed', async () => {
    const guesser = '203.0.113.50';
    for (let i = 0; i <= ADDRESS_LIMIT; i++) {
      expect((await c.a.check(wrongToken(), guesser)).reason).toBe('invalid-token');
    }
    expect((await c.a.check(wrongToken(), guesser)).reason).toBe('throttled');
    expect(c.a.logs.some((line) => line.includes('throttle.redis_unavailable'))).toBe(true);
    // The admin list cannot be complete without the store: it says so rather than show a part.
    const res = await c.a.http.get('/api-token-auth/api/v1/admin/throttles').set('Authorization', admin);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('throttle_store_unavailable');
  });
});
