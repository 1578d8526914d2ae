import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AuditBatcher, type TimedAuditRecord } from '../../../server/authz/audit-batcher.ts';
import { createMetrics } from '../../../server/metrics/index.ts';
import { parseScrape } from '../../integration/metrics/scrape.ts';

const scrape = async (metrics: ReturnType<typeof createMetrics>) =>
  parseScrape(await metrics.registry.metrics());

const record = (i: number): TimedAuditRecord => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)),
  actor: `user${i}`,
  action: 'auth.failed',
  remoteIp: '192.0.2.1',
  details: { reason: 'invalid-token' },
});

describe('companion metrics', () => {
  it('gives every companion its own registry: two in one process count apart, both with the process metrics', async () => {
    const a = createMetrics({ listens: false });
    const b = createMetrics({ listens: false });
    a.decided({ decision: 'allow', mode: 'session', reason: 'ok' }, 0.00002);
    a.cacheHit();
    const [fromA, fromB] = [await scrape(a), await scrape(b)];
    expect(fromA.value('api_token_auth_decisions_total', { mode: 'session' })).toBe(1);
    expect(fromB.value('api_token_auth_decisions_total', { mode: 'session' })).toBe(0);
    expect(fromA.value('api_token_auth_decision_cache_hits_total')).toBe(1);
    expect(fromB.value('api_token_auth_decision_cache_hits_total')).toBe(0);
    for (const scraped of [fromA, fromB]) expect(scraped.names).toContain('process_resident_memory_bytes');
  });

  it('counts decisions by mode, outcome and reason, a malformed credential under mode "none"', async () => {
    const metrics = createMetrics({ listens: false });
    for (let i = 0; i < 3; i++) metrics.decided({ decision: 'allow', mode: 'token', reason: 'ok' }, 0.00004);
    metrics.decided({ decision: 'deny', mode: null, reason: 'store-unavailable' }, 0.002);
    metrics.decided({ decision: 'deny', mode: 'token', reason: 'bad-token-checksum' }, 0.0001);
    const once = await scrape(metrics);
    const decisions = 'api_token_auth_decisions_total';
    expect(once.value(decisions, { mode: 'token', outcome: 'allow', reason: 'ok' })).toBe(3);
    expect(once.value(decisions, { mode: 'none', outcome: 'deny', reason: 'store-unavailable' })).toBe(1);
    expect(once.value(decisions, { mode: 'token', reason: 'bad-token-checksum' })).toBe(1);
    // The sub-millisecond buckets tell a cached decision (40 µs) from a store round trip.
    const bucket = 'api_token_auth_decision_duration_seconds_bucket';
    expect(once.value(bucket, { mode: 'token', outcome: 'allow', le: '0.00005' })).toBe(3);
    expect(once.value(bucket, { mode: 'none', outcome: 'deny', le: '0.001' })).toBe(0);
    expect(once.value(bucket, { mode: 'none', outcome: 'deny', le: '0.0025' })).toBe(1);
    // Counted at scrape time: a second scrape neither loses nor doubles what the first reported.
    metrics.decided({ decision: 'allow', mode: 'token', reason: 'ok' }, 0.00004);
    const twice = await scrape(metrics);
    expect(twice.value(decisions, { mode: 'token', outcome: 'allow', reason: 'ok' })).toBe(4);
    expect(twice.value(decisions)).toBe(6);
  });

  it('exports the series the alerts watch at 0 before the first such decision', async () => {
    const scraped = await scrape(createMetrics({ listens: false }));
    const sample = scraped.samples.find(
      (s) => s.name === 'api_token_auth_decisions_total' && s.labels.reason === 'site-unavailable',
    );
    expect(sample).toEqual({
      name: 'api_token_auth_decisions_total',
      labels: { mode: 'token', outcome: 'deny', reason: 'site-unavailable' },
      value: 0,
    });
    expect(scraped.value('api_token_auth_site_lookup_errors_total', { kind: 'timeout' })).toBe(0);
    expect(scraped.samples.some((s) => s.name === 'api_token_auth_site_lookup_errors_total')).toBe(true);
  });

  it('counts the audit records a full queue drops, and shows the queue depth when scraped', async () => {
    const metrics = createMetrics({ listens: false });
    let release: () => void = () => undefined;
    const batcher = new AuditBatcher({
      write: () => new Promise<void>((resolve) => (release = resolve)),
      logger: pino({ level: 'silent' }),
      batchSize: 1,
      maxQueued: 2,
      onDropped: () => metrics.auditDropped(),
    });
    metrics.track({ auditQueued: () => batcher.queued });
    // The first goes to the (stuck) write, two wait, the last three are dropped.
    for (let i = 0; i < 6; i++) batcher.add(record(i));
    const scraped = await scrape(metrics);
    expect(scraped.value('api_token_auth_audit_dropped_total')).toBe(3);
    expect(scraped.value('api_token_auth_audit_queue_depth')).toBe(2);
    release();
  });

  it('reads the pool and the active blocks from their sources at each scrape', async () => {
    const metrics = createMetrics({ listens: false });
    let pool = { used: 3, free: 2, pending: 1, max: 10 };
    const blocks: Array<{ kind: 'address' | 'user' }> = [{ kind: 'user' }, { kind: 'user' }];
    metrics.track({ pool: () => pool, blocks: () => blocks });
    metrics.blockStarted('user');
    metrics.blockStarted('user');
    const first = await scrape(metrics);
    expect(first.value('api_token_auth_db_pool_connections', { state: 'used' })).toBe(3);
    expect(first.value('api_token_auth_db_pool_connections', { state: 'free' })).toBe(2);
    expect(first.value('api_token_auth_db_pool_pending_acquires')).toBe(1);
    expect(first.value('api_token_auth_db_pool_max_connections')).toBe(10);
    expect(first.value('api_token_auth_throttle_active_blocks', { kind: 'user' })).toBe(2);
    expect(first.value('api_token_auth_throttle_active_blocks', { kind: 'address' })).toBe(0);
    expect(first.value('api_token_auth_throttle_blocks_total', { kind: 'user' })).toBe(2);
    pool = { used: 0, free: 1, pending: 0, max: 10 };
    blocks.length = 0;
    metrics.blockStarted('address');
    const second = await scrape(metrics);
    expect(second.value('api_token_auth_db_pool_connections', { state: 'used' })).toBe(0);
    expect(second.value('api_token_auth_throttle_active_blocks')).toBe(0);
    // Blocks started only ever grow; the active ones come and go.
    expect(second.value('api_token_auth_throttle_blocks_total', { kind: 'user' })).toBe(2);
    expect(second.value('api_token_auth_throttle_blocks_total', { kind: 'address' })).toBe(1);
  });

  it('has the notification lag and the listen connection only where there is a listen connection', async () => {
    const alone = createMetrics({ listens: false });
    alone.notificationLag(0.2);
    alone.track({ listening: () => true });
    const aloneScrape = await scrape(alone);
    expect([...aloneScrape.names].filter((n) => /notification|listen/.test(n))).toEqual([]);

    const listening = createMetrics({ listens: true });
    // Until the cluster is tracked, nothing listens.
    expect((await scrape(listening)).value('api_token_auth_listen_connection_up')).toBe(0);
    let up = true;
    listening.track({ listening: () => up });
    listening.notificationLag(0.2);
    listening.notificationLag(3);
    const scraped = await scrape(listening);
    expect(scraped.value('api_token_auth_listen_connection_up')).toBe(1);
    expect(scraped.value('api_token_auth_notification_lag_seconds_count')).toBe(2);
    expect(scraped.value('api_token_auth_notification_lag_seconds_bucket', { le: '0.25' })).toBe(1);
    expect(scraped.value('api_token_auth_notification_lag_seconds_bucket', { le: '5' })).toBe(2);
    up = false;
    expect((await scrape(listening)).value('api_token_auth_listen_connection_up')).toBe(0);
  });
});
