// B's listen connection is killed (pg_terminate_backend) while the database refuses new
// connections, so B cannot get it back at once: B drops what its caches held, says so in its log
// and its readiness, keeps cached answers for a second at most, and once the database lets it
// in again it listens again and hears A's changes within a second, as before.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createToken,
  ctx,
  msUntil,
  notificationsCheck,
  startTwoCompanions,
  type TwoCompanions,
} from './two-companions.ts';

describe('a lost listen connection', () => {
  let c: TwoCompanions;
  let database: string;
  // On the admin database, which stays open while the test database refuses connections.
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  const allowConnections = (allow: boolean) =>
    admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS ${allow}`);

  beforeAll(async () => {
    c = await startTwoCompanions();
    database = new URL(c.db.url).pathname.slice(1);
    await admin.connect();
  });
  afterAll(async () => {
    if (c) await allowConnections(true);
    await admin.end();
    await c?.close();
  });

  it('flushes B’s caches, shows in its readiness and log, and is listened again afterwards', async () => {
    expect(await notificationsCheck(c.b)).toBe('ok');
    const first = await createToken(c.a);
    const second = await createToken(c.a);
    for (const token of [first, second]) expect((await c.b.check(token.authorization)).status).toBe(200);
    expect(c.b.deps.authz.cache.size).toBe(2);

    const pid = c.b.deps.cluster?.listenerPid;
    expect(pid).toEqual(expect.any(Number));
    await allowConnections(false);
    const { rows } = await admin.query('select pg_terminate_backend($1) as killed', [pid]);
    expect(rows).toEqual([{ killed: true }]);

    await msUntil(async () => c.b.deps.cluster?.listening === false, 5000);
    expect(c.b.deps.authz.cache.size).toBe(0);
    expect(await notificationsCheck(c.b)).toBe('unavailable');
    const lost = c.b.logs.find((line) => line.includes('"cluster.listen_lost"'));
    expect(JSON.parse(lost ?? '{}')).toMatchObject({ level: 40, event: 'cluster.listen_lost' });
    // A is not affected.
    expect(await notificationsCheck(c.a)).toBe('ok');

    // Deaf, B keeps a positive answer for a second at most rather than ten: a token deleted on A
    // is refused on B once that second is over, with no word from A.
    expect((await c.b.check(first.authorization)).status).toBe(200);
    expect(await c.a.deps.tokens.delete(first.id, ctx)).toBe(true);
    const deafDelay = await msUntil(async () => (await c.b.check(first.authorization)).status === 401, 5000);
    console.info(`deaf B refused a token deleted on A after ${deafDelay.toFixed(0)} ms`);

    await allowConnections(true);
    await msUntil(async () => c.b.deps.cluster?.listening === true, 15_000);
    expect(await notificationsCheck(c.b)).toBe('ok');
    expect(c.b.logs.some((line) => line.includes('"cluster.listen_restored"'))).toBe(true);
    expect(c.b.deps.cluster?.listenerPid).not.toBe(pid);

    // Listening again, with the usual lifetimes: a cached answer stays until A's word arrives.
    expect((await c.b.check(second.authorization)).status).toBe(200);
    expect(await c.a.deps.tokens.delete(second.id, ctx)).toBe(true);
    const delay = await msUntil(async () => (await c.b.check(second.authorization)).status === 401);
    console.info(`after the reconnection: deleted on A, refused on B after ${delay.toFixed(1)} ms`);
    expect(delay).toBeLessThan(1000);
  });
});
