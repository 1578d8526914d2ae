import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from '../../../server/services/audit-service.ts';
import { createServiceEvents } from '../../../server/services/events.ts';
import { createStore, type Store } from '../../../server/store/index.ts';
import { EXPIRY_CHECK_INTERVAL_MS, WebhookService } from '../../../server/webhooks/webhook-service.ts';
import { manualTimers } from '../../support/manual-timers.ts';
import { DATABASES, openMigrated, POSTGRES_URL, type TestDatabase } from '../store/databases.ts';
import { type Receiver, startReceiver } from './receiver.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-06-01T12:00:00Z');
const admin = { actor: 'admin', remoteIp: '127.0.0.1' };

/** The receiver, the databases and the companions a test opened, closed after it. */
function fixture() {
  const state = {
    receiver: undefined as unknown as Receiver,
    now: T0,
    opened: [] as Array<{ close(): Promise<unknown> }>,
  };
  const key = randomBytes(32);
  beforeAll(async () => {
    state.receiver = await startReceiver();
  });
  afterAll(() => state.receiver.close());
  afterEach(async () => {
    for (const o of state.opened.splice(0).reverse()) await o.close();
    state.receiver.received.length = 0;
    state.now = T0;
  });

  /** A companion's webhook service over `store` (another companion: another store on the same data). */
  function companion(store: Store) {
    const clock = () => new Date(state.now);
    const manual = manualTimers();
    const service = new WebhookService({
      store,
      key,
      logger: pino({ level: 'silent' }),
      clock,
      events: createServiceEvents(),
      audit: new AuditService({ store, clock }),
      tokens: { adminList: (filter, page) => store.tokens.search(filter, page) },
      site: 'https://jira.example.test',
      timers: manual.timers,
    });
    state.opened.push(service);
    return { service, intervals: manual.intervals };
  }

  async function database(open: () => Promise<TestDatabase>) {
    const db = await openMigrated(open);
    state.opened.push({ close: () => db.dispose() });
    return db;
  }

  const seed = (store: Store, id: string, createdAgoMs: number, expiresInMs: number | null) =>
    store.tokens.insert({
      id,
      owner: 'alice',
      name: `token ${id}`,
      secretHash: `hash-${id}-${randomBytes(4).toString('hex')}`,
      hint: 'abcd',
      scope: 'read-write',
      ipAllowlist: [],
      createdAt: new Date(state.now - createdAgoMs),
      expiresAt: expiresInMs === null ? null : new Date(state.now + expiresInMs),
      createdBy: 'alice',
    });

  const events = () =>
    state.receiver.received
      .map((r) => JSON.parse(r.body) as { event: string; token: { id: string } })
      .map((p) => `${p.token.id}:${p.event}`)
      .sort();

  return { state, companion, database, seed, events };
}

const ON = { enabled: true, secret: 'a-receiver-secret-123456' };

describe.each(DATABASES)('expiry notices on $name', ({ open }) => {
  const { state, companion, database, seed, events } = fixture();

  it('announces each due notice once, at 7 days, at 1 day and when expired, and nothing while off', async () => {
    const db = await database(open);
    const { service, intervals } = companion(db.store);
    await seed(db.store, 'week', 30 * DAY, 6 * DAY);
    await seed(db.store, 'day', 30 * DAY, 12 * HOUR);
    await seed(db.store, 'gone', 30 * DAY, -2 * DAY);
    await seed(db.store, 'long-gone', 60 * DAY, -20 * DAY);
    await seed(db.store, 'later', 1 * DAY, 20 * DAY);
    await seed(db.store, 'forever', 1 * DAY, null);
    // Made to last seven days: not "expiring in 7 days" the moment it is made.
    await seed(db.store, 'short', 0, 7 * DAY);

    // Off: nothing is claimed, so switching on later still announces everything due.
    expect(await service.checkExpiries()).toBe(0);
    await service.update({ ...ON, url: state.receiver.url }, admin);

    service.start();
    const [hourly] = intervals();
    expect(hourly?.ms).toBe(EXPIRY_CHECK_INTERVAL_MS);
    await state.receiver.waitFor(3);
    await service.queue.idle();
    expect(events()).toEqual(['day:token.expiring_1d', 'gone:token.expired', 'week:token.expiring_7d']);

    // The next hour: nothing new is due.
    hourly?.run();
    expect(await service.checkExpiries()).toBe(0);

    // Five days on: "week" is a day from expiring, "day" has expired.
    state.now = T0 + 5 * DAY + 2 * HOUR;
    expect(await service.checkExpiries()).toBe(2);
    // Six: "week" has expired, and "short" is a day from expiring.
    state.now = T0 + 6 * DAY + HOUR;
    expect(await service.checkExpiries()).toBe(2);
    await state.receiver.waitFor(7);
    expect(events()).toEqual([
      'day:token.expired',
      'day:token.expiring_1d',
      'gone:token.expired',
      'short:token.expiring_1d',
      'week:token.expired',
      'week:token.expiring_1d',
      'week:token.expiring_7d',
    ]);
    const payload = JSON.parse(state.receiver.received[0]?.body ?? '{}');
    expect(Object.keys(payload).sort()).toEqual(['at', 'event', 'site', 'token']);
    expect(Object.keys(payload.token).sort()).toEqual(['expiresAt', 'id', 'name', 'owner']);
  });
});

// Several companions on one PostgreSQL database each run the hourly check.
describe('expiry notices on one PostgreSQL database shared by three companions', () => {
  const { state, companion, database, seed, events } = fixture();
  const postgres = DATABASES[1];

  it('sends each notice once when several companions share the database', async () => {
    const db = await database(postgres.open);
    const others = [1, 2].map(() => createStore(POSTGRES_URL, { searchPath: db.schema }));
    for (const store of others) state.opened.push(store);
    const companions = [db.store, ...others].map((store) => companion(store).service);
    await companions[0]?.update({ ...ON, url: state.receiver.url }, admin);
    for (let i = 0; i < 20; i++) await seed(db.store, `t${i}`, 30 * DAY, (i % 2 ? 12 : 100) * HOUR);

    const counts = await Promise.all(companions.flatMap((c) => [c.checkExpiries(), c.checkExpiries()]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20);
    await state.receiver.waitFor(20);
    await Promise.all(companions.map((c) => c.queue.idle()));
    expect(state.receiver.received).toHaveLength(20);
    expect(new Set(events()).size).toBe(20);
  });
});
