import { Gauge, type Registry } from 'prom-client';

/** The database pool as knex's pool (tarn) reports it. */
export interface PoolStats {
  used: number;
  free: number;
  pending: number;
  max: number;
}

/** What is read when Prometheus scrapes rather than counted as it happens. */
export interface MetricsSources {
  pool?: () => PoolStats | undefined;
  /** The blocks in force (server/authz/throttle.ts list()). */
  blocks?: () => ReadonlyArray<{ kind: 'address' | 'user' }>;
  auditQueued?: () => number;
  /** Whether the listen connection is up (server/cluster `listening`). */
  listening?: () => boolean;
}

/** Every metric of the companion is named api_token_auth_… (the process metrics keep their names). */
export const PREFIX = 'api_token_auth_';
export const THROTTLE_KINDS = ['address', 'user'] as const;

/** The gauges read from their sources when Prometheus scrapes, not kept up to date in between. */
export function scrapeGauges(registry: Registry, sources: () => MetricsSources): void {
  new Gauge({
    name: `${PREFIX}db_pool_connections`,
    help: 'Database pool connections by state (used, free).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const pool = sources().pool?.();
      this.set({ state: 'used' }, pool?.used ?? 0);
      this.set({ state: 'free' }, pool?.free ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}db_pool_pending_acquires`,
    help: 'Requests waiting for a database pool connection.',
    registers: [registry],
    collect() {
      this.set(sources().pool?.()?.pending ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}db_pool_max_connections`,
    help: 'The most connections the database pool opens.',
    registers: [registry],
    collect() {
      this.set(sources().pool?.()?.max ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}throttle_active_blocks`,
    help: 'Addresses (IPv6 /64s) and user names this companion refuses as blocked now (its own blocks and those other companions announced), by kind.',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const counts = { address: 0, user: 0 };
      for (const block of sources().blocks?.() ?? []) counts[block.kind]++;
      for (const kind of THROTTLE_KINDS) this.set({ kind }, counts[kind]);
    },
  });
  new Gauge({
    name: `${PREFIX}audit_queue_depth`,
    help: 'Authentication audit records waiting to be written.',
    registers: [registry],
    collect() {
      this.set(sources().auditQueued?.() ?? 0);
    },
  });
}
