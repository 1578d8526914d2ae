import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../server/logger.ts';
import { wireCompanion } from '../../../server/wiring.ts';
import { generateToken } from '../../../shared/token.ts';
import {
  api,
  authRequest,
  BASE,
  basic,
  DATABASES,
  type Harness,
  IDENTITY_HEADER_SETTINGS,
  startHarness,
} from '../api/harness.ts';
import { parseScrape, type Scrape } from './scrape.ts';

const METRICS = `${BASE}/metrics`;
const DECISIONS = 'api_token_auth_decisions_total';
const LATENCY_COUNT = 'api_token_auth_decision_duration_seconds_count';

describe.each(DATABASES)('metrics on %s', (db) => {
  let h: Harness;
  let aliceSecret: string;

  const scrape = async (): Promise<Scrape> => {
    const res = await h.http.get(METRICS).expect(200);
    return parseScrape(res.text);
  };
  const check = (authorization: string) => authRequest(h.http, authorization);
  /** How much each named series moved between two scrapes. */
  const moved = (before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}) =>
    after.value(name, labels) - before.value(name, labels);

  beforeAll(async () => {
    h = await startHarness({ db });
    // The site trusts the identity header here: tokens need no sealed site credential first.
    await h.deps.settings.update(IDENTITY_HEADER_SETTINGS, { actor: 'admin', remoteIp: null });
    const { secret } = await h.deps.tokens.create(
      { owner: 'alice', name: 'metrics', validity: 'never' },
      { actor: 'alice', remoteIp: null },
    );
    aliceSecret = secret;
  });
  afterAll(() => h?.close());

  it('serves the Prometheus text format from this companion’s own registry, process metrics included', async () => {
    const res = await h.http.get(METRICS).expect(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const { names } = parseScrape(res.text);
    for (const name of [
      DECISIONS,
      LATENCY_COUNT,
      'api_token_auth_decision_cache_hits_total',
      'api_token_auth_decision_cache_misses_total',
      'api_token_auth_site_lookup_duration_seconds_bucket',
      'api_token_auth_site_lookup_errors_total',
      'api_token_auth_db_pool_connections',
      'api_token_auth_db_pool_pending_acquires',
      'api_token_auth_throttle_active_blocks',
      'api_token_auth_throttle_blocks_total',
      'api_token_auth_audit_queue_depth',
      'api_token_auth_audit_dropped_total',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(names, name).toContain(name);
    }
    // Only a PostgreSQL companion keeps a listen connection for the other instances' changes.
    expect(names.has('api_token_auth_listen_connection_up')).toBe(db === 'postgres');
    if (db === 'postgres') expect(parseScrape(res.text).value('api_token_auth_listen_connection_up')).toBe(1);
    expect(names.has('api_token_auth_notification_lag_seconds_count')).toBe(db === 'postgres');
    await h.http.post(METRICS).expect(405);
  });

  it('counts a valid token, its cached repeat, a wrong token and a password by mode, outcome and reason', async () => {
    const before = await scrape();
    await check(basic('alice', aliceSecret)).expect(200);
    await check(basic('alice', aliceSecret)).expect(200);
    await check(basic('alice', generateToken())).expect(401);
    const password = await check(basic('alice', 'alice')).expect(200);
    expect(password.headers['x-api-token-auth-mode']).toBe('password');
    const after = await scrape();

    expect(moved(before, after, DECISIONS, { mode: 'token', outcome: 'allow', reason: 'ok' })).toBe(2);
    expect(moved(before, after, DECISIONS, { mode: 'token', outcome: 'deny', reason: 'invalid-token' })).toBe(
      1,
    );
    expect(moved(before, after, DECISIONS, { mode: 'password', outcome: 'allow', reason: 'ok' })).toBe(1);
    expect(moved(before, after, DECISIONS)).toBe(4);
    // The first check of the token and the wrong token asked the store; the repeat did not.
    expect(moved(before, after, 'api_token_auth_decision_cache_hits_total')).toBe(1);
    expect(moved(before, after, 'api_token_auth_decision_cache_misses_total')).toBe(2);
    expect(moved(before, after, LATENCY_COUNT, { mode: 'token', outcome: 'allow' })).toBe(2);
    expect(moved(before, after, LATENCY_COUNT, { mode: 'token', outcome: 'deny' })).toBe(1);
    expect(moved(before, after, 'api_token_auth_decision_duration_seconds_sum')).toBeGreaterThan(0);
    // Every decision falls in some bucket no later than +Inf, and the cached one well below a second.
    const inf = { mode: 'token', outcome: 'allow', le: '+Inf' };
    expect(moved(before, after, 'api_token_auth_decision_duration_seconds_bucket', inf)).toBe(2);
    const underOneSecond = { mode: 'token', outcome: 'allow', le: '1' };
    expect(
      moved(before, after, 'api_token_auth_decision_duration_seconds_bucket', underOneSecond),
    ).toBeGreaterThanOrEqual(1);
  });

  it('times the site lookup of a user the directory has not cached yet', async () => {
    const before = await scrape();
    expect((await h.deps.directory.lookupUser('bob'))?.username).toBe('bob');
    // The second time the directory's cache answers: the site is not asked again.
    await h.deps.directory.lookupUser('bob');
    const after = await scrape();
    const lookups = 'api_token_auth_site_lookup_duration_seconds_count';
    expect(moved(before, after, lookups, { lookup: 'user' })).toBe(1);
    expect(moved(before, after, 'api_token_auth_site_lookup_duration_seconds_sum')).toBeGreaterThan(0);
    expect(moved(before, after, 'api_token_auth_site_lookup_errors_total')).toBe(0);
  });

  it('counts the block a flood of wrong tokens for one name starts, and shows it as active', async () => {
    const before = await scrape();
    expect(before.value('api_token_auth_throttle_active_blocks', { kind: 'user' })).toBe(0);
    // 10 failures per name are allowed (server/authz/throttle.ts); the 11th blocks it.
    for (let i = 0; i < 11; i++) await check(basic('mallory', generateToken()));
    const throttled = await check(basic('mallory', generateToken())).expect(403);
    expect(throttled.headers['x-api-token-auth-reason']).toBe('throttled');
    const after = await scrape();
    expect(moved(before, after, 'api_token_auth_throttle_blocks_total', { kind: 'user' })).toBe(1);
    expect(moved(before, after, 'api_token_auth_throttle_blocks_total', { kind: 'address' })).toBe(0);
    expect(after.value('api_token_auth_throttle_active_blocks', { kind: 'user' })).toBe(1);
    expect(moved(before, after, DECISIONS, { mode: 'token', reason: 'throttled' })).toBeGreaterThanOrEqual(1);
  });

  it('reports the database pool and the audit queue as they are when scraped', async () => {
    const now = await scrape();
    expect(now.value('api_token_auth_db_pool_max_connections')).toBe(db === 'sqlite' ? 1 : 10);
    expect(now.value('api_token_auth_db_pool_pending_acquires')).toBe(0);
    // The scrape's own decisions came just before: the pool holds at least the connection they used.
    const used = now.value('api_token_auth_db_pool_connections', { state: 'used' });
    const free = now.value('api_token_auth_db_pool_connections', { state: 'free' });
    expect(used + free).toBeGreaterThanOrEqual(1);
    expect(used + free).toBeLessThanOrEqual(db === 'sqlite' ? 1 : 10);
    expect(now.value('api_token_auth_audit_queue_depth')).toBe(0);
    expect(now.value('api_token_auth_audit_dropped_total')).toBe(0);
  });

  it('counts a lookup the site cannot answer by its kind (run last: it stops the site)', async () => {
    const before = await scrape();
    await h.stopSite();
    // A session the directory has not seen must be asked of the site: it cannot answer now.
    await h.http.get(api('/tokens')).set('Cookie', 'JSESSIONID=unseen').expect(503);
    const after = await scrape();
    expect(moved(before, after, 'api_token_auth_site_lookup_errors_total', { kind: 'unreachable' })).toBe(1);
    expect(
      moved(before, after, 'api_token_auth_site_lookup_duration_seconds_count', { lookup: 'who-am-i' }),
    ).toBe(1);
  });
});

describe('metrics of companions sharing one PostgreSQL database', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ db: 'postgres' });
  });
  afterAll(() => h?.close());

  it('times each change heard from another companion, and shows the listen connection up', async () => {
    const lag = 'api_token_auth_notification_lag_seconds_count';
    const scrape = async () => parseScrape((await h.http.get(METRICS).expect(200)).text);
    const before = await scrape();
    expect(before.value('api_token_auth_listen_connection_up')).toBe(1);
    // A second companion on the same database, as a second node of the cluster would run it.
    const other = await wireCompanion(h.deps.config, { logger: createLogger({ level: 'silent' }) });
    try {
      await other.deps.settings.update(
        { ...IDENTITY_HEADER_SETTINGS, forceReadOnlyScope: true },
        { actor: 'admin', remoteIp: null },
      );
      await vi.waitFor(async () => expect((await scrape()).value(lag)).toBe(before.value(lag) + 1), {
        timeout: 2_000,
        interval: 50,
      });
      const after = await scrape();
      // Heard within a second, as promised: the whole of it lies in the buckets up to 1 s.
      expect(
        after.value('api_token_auth_notification_lag_seconds_bucket', { le: '1' }) -
          before.value('api_token_auth_notification_lag_seconds_bucket', { le: '1' }),
      ).toBe(1);
    } finally {
      await other.shutdown();
    }
  });
});
