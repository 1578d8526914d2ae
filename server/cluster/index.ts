// Several companions on one PostgreSQL database acting as one: each hears the others' changes
// (LISTEN/NOTIFY, pg-notifier.ts, relayed by relay.ts) and all count failed token attempts in one
// store (PostgreSQL, or Redis with ATA_REDIS_URL). Built by wireCompanion for PostgreSQL only:
// SQLite serves a single companion (server/store/instance-lock.ts).
import pg from 'pg';
import type { Logger } from 'pino';
import type { ThrottleOptions } from '../authz/throttle.ts';
import type { Timers } from '../timers.ts';
import { PgNotifier } from './pg-notifier.ts';
import { openPgThrottleStore } from './pg-throttle-store.ts';
import { openRedisThrottleStore } from './redis-throttle-store.ts';
import { type RelayParts, startRelay } from './relay.ts';

export { UNHEARD_MAX_AGE_MS } from './relay.ts';

export interface ClusterOptions {
  connectionString: string;
  redis?: { url: string; keyPrefix: string };
  logger: Logger;
  timers?: Timers;
  instanceId?: string;
}

export interface Cluster {
  readonly instanceId: string;
  /** Whether the other companions' changes are heard right now (readiness reports it). */
  readonly listening: boolean;
  /** The listen connection's backend pid, or null while it is down. */
  readonly listenerPid: number | null;
  /** For the AuthzService's throttle: the shared store and the hooks that tell the others. */
  readonly throttle: Pick<ThrottleOptions, 'shared' | 'onBlocked' | 'onReset'>;
  /** Relays this companion's change events and applies the others'; once, after the AuthzService exists. */
  attach(parts: Omit<RelayParts, 'notifier' | 'logger' | 'timers'>): void;
  close(): Promise<void>;
}

// NOTIFY and the throttle's counters: a few short queries at a time. A check waits at most
// QUERY_TIMEOUT_MS for them before the throttle counts locally instead.
const POOL_SIZE = 4;
const QUERY_TIMEOUT_MS = 1_000;

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { logger } = options;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: POOL_SIZE,
    application_name: 'api-token-auth cluster',
    connectionTimeoutMillis: QUERY_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
  });
  // An idle pooled connection the server drops emits here; the next query opens a new one.
  pool.on('error', (err) =>
    logger.warn({ err, event: 'cluster.pool_error' }, 'a cluster database connection was lost'),
  );
  const redis = options.redis ? await openRedisThrottleStore({ ...options.redis, logger }) : undefined;
  const notifier = new PgNotifier({
    connectionString: options.connectionString,
    pool,
    logger,
    timers: options.timers,
    instanceId: options.instanceId,
  });
  try {
    const shared = redis ?? (await openPgThrottleStore(pool));
    await notifier.start();
    let detach: (() => void) | undefined;
    return {
      instanceId: notifier.instanceId,
      get listening() {
        return notifier.listening;
      },
      get listenerPid() {
        return notifier.backendPid;
      },
      throttle: {
        shared,
        onBlocked: (throttle, key, failures, msLeft) =>
          void notifier.publish({
            kind: 'throttle.blocked',
            throttle,
            key,
            failures,
            msLeft: Math.ceil(msLeft),
          }),
        onReset: (throttle, key) => void notifier.publish({ kind: 'throttle.lifted', throttle, key }),
      },
      attach(parts) {
        if (detach) throw new Error('the cluster relay is attached already');
        detach = startRelay({ ...parts, notifier, logger, timers: options.timers });
      },
      async close() {
        detach?.();
        await notifier.close();
        await redis?.close();
        await pool.end();
      },
    };
  } catch (err) {
    await notifier.close();
    await redis?.close();
    await pool.end();
    throw err;
  }
}
