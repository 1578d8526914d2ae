import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DecisionMetrics } from './decisions.ts';
import type {
  AuthzObserver,
  ClusterObserver,
  DecisionLabels,
  DirectoryObserver,
  SiteLookup,
} from './observers.ts';
import { processMetrics } from './process-metrics.ts';
import { type MetricsSources, PREFIX, scrapeGauges, THROTTLE_KINDS } from './scrape-gauges.ts';
import { SITE_ERROR_KINDS, siteErrorKind } from './site-errors.ts';

export type { AuthzObserver, ClusterObserver, DirectoryObserver } from './observers.ts';
export type { MetricsSources, PoolStats } from './scrape-gauges.ts';

export interface MetricsOptions {
  /** Whether this companion keeps a listen connection (PostgreSQL): only then the cluster metrics. */
  listens: boolean;
}

export interface CompanionMetrics extends AuthzObserver, DirectoryObserver, ClusterObserver {
  /** This companion's registry (never prom-client's global one), default process metrics included. */
  readonly registry: Registry;
  /** Names the scrape-time sources once the objects they read exist (server/wiring.ts). */
  track(sources: MetricsSources): void;
}

const LOOKUP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

// Series the shipped alerts watch, exported at 0 before the first such decision.
const WATCHED_DECISIONS: DecisionLabels[] = [
  { mode: 'token', decision: 'allow', reason: 'ok' },
  { mode: 'token', decision: 'deny', reason: 'invalid-token' },
  { mode: 'token', decision: 'deny', reason: 'store-unavailable' },
  { mode: 'token', decision: 'deny', reason: 'site-unavailable' },
  { mode: null, decision: 'deny', reason: 'store-unavailable' },
];

/** A counter exported from plain numbers at scrape time (see DecisionMetrics for why). */
function countedAtScrape(registry: Registry, name: string, help: string, read: () => number) {
  let reported = 0;
  return new Counter({
    name: PREFIX + name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      this.inc(now - reported);
      reported = now;
    },
  });
}

class PromMetrics implements CompanionMetrics {
  readonly registry: Registry;
  #sources: MetricsSources = {};
  readonly #decisions: DecisionMetrics;
  #cacheHits = 0;
  #cacheMisses = 0;
  readonly #blocksStarted = { address: 0, user: 0 };
  #auditDropped = 0;
  readonly #lookupLatency: Histogram<'lookup'>;
  readonly #lookupErrors: Counter<'kind'>;
  readonly #lag: Histogram | undefined;

  constructor(options: MetricsOptions) {
    const registry = new Registry();
    this.#decisions = new DecisionMetrics(registry, WATCHED_DECISIONS);
    countedAtScrape(
      registry,
      'decision_cache_hits_total',
      'Token checks answered from the decision cache.',
      () => this.#cacheHits,
    );
    countedAtScrape(
      registry,
      'decision_cache_misses_total',
      'Token checks that had to ask the token store.',
      () => this.#cacheMisses,
    );
    countedAtScrape(
      registry,
      'audit_dropped_total',
      'Authentication audit records dropped because the queue was full.',
      () => this.#auditDropped,
    );
    const blocksStarted = this.#blocksStarted;
    new Counter({
      name: `${PREFIX}throttle_blocks_total`,
      help: 'Blocks this companion started after too many failed token attempts, by kind (address, user).',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        this.reset();
        for (const kind of THROTTLE_KINDS) this.inc({ kind }, blocksStarted[kind]);
      },
    });
    this.#lookupLatency = new Histogram({
      name: `${PREFIX}site_lookup_duration_seconds`,
      help: 'Time the site took to answer a directory lookup that missed the cache, by lookup.',
      labelNames: ['lookup'],
      buckets: LOOKUP_BUCKETS,
      registers: [registry],
    });
    this.#lookupErrors = new Counter({
      name: `${PREFIX}site_lookup_errors_total`,
      help: 'Directory lookups at the site that failed, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    });
    for (const kind of SITE_ERROR_KINDS) this.#lookupErrors.inc({ kind }, 0);
    scrapeGauges(registry, () => this.#sources);
    if (options.listens) {
      this.#lag = new Histogram({
        name: `${PREFIX}notification_lag_seconds`,
        help: 'Time from a change committed on any instance to this instance applying it (LISTEN/NOTIFY).',
        buckets: LAG_BUCKETS,
        registers: [registry],
      });
      const sources = () => this.#sources;
      new Gauge({
        name: `${PREFIX}listen_connection_up`,
        help: '1 while the PostgreSQL listen connection for cross-instance invalidation is up, else 0.',
        registers: [registry],
        collect() {
          this.set(sources().listening?.() ? 1 : 0);
        },
      });
    }
    this.registry = Registry.merge([registry, processMetrics()]);
  }

  track(sources: MetricsSources): void {
    this.#sources = { ...this.#sources, ...sources };
  }

  decided(decision: DecisionLabels, seconds: number): void {
    this.#decisions.decided(decision, seconds);
  }

  cacheHit(): void {
    this.#cacheHits++;
  }

  cacheMiss(): void {
    this.#cacheMisses++;
  }

  blockStarted(kind: 'address' | 'user'): void {
    this.#blocksStarted[kind]++;
  }

  auditDropped(): void {
    this.#auditDropped++;
  }

  siteLookup(lookup: SiteLookup, seconds: number, failure?: unknown): void {
    this.#lookupLatency.observe({ lookup }, seconds);
    if (failure !== undefined) this.#lookupErrors.inc({ kind: siteErrorKind(failure) });
  }

  notificationLag(seconds: number): void {
    this.#lag?.observe(Math.max(0, seconds));
  }
}

/** One per companion (server/wiring.ts): several companions in one process never share series. */
export function createMetrics(options: MetricsOptions): CompanionMetrics {
  return new PromMetrics(options);
}
