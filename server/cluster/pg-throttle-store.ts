// Brute-force counters every companion on the database shares, in a table of rate-limiter-flexible's
// RateLimiterPostgres. The table is created here once, before any limiter uses it (tableCreated),
// rather than by each limiter in the background, which would race its first request.
import type pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { SharedLimiterOptions, SharedThrottleStore } from '../authz/throttle.ts';

export const THROTTLE_TABLE = 'ata_throttle';

// The columns RateLimiterPostgres reads and writes, in its order; `key` as text because a claimed
// username can be longer than the library's varchar(255).
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${THROTTLE_TABLE} (
  key text PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
)`;

/** Creates the table when missing; companions starting together queue on an advisory lock. */
async function createTable(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`select pg_advisory_xact_lock(hashtext('api-token-auth ${THROTTLE_TABLE}'))`);
    await client.query(CREATE_TABLE);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function openPgThrottleStore(pool: pg.Pool): Promise<SharedThrottleStore> {
  await createTable(pool);
  return {
    limiter: (options: SharedLimiterOptions) =>
      new RateLimiterPostgres({
        ...options,
        storeClient: pool,
        storeType: 'pool',
        tableName: THROTTLE_TABLE,
        tableCreated: true,
      }),
    async blocked(keyPrefix, points) {
      const prefix = `${keyPrefix}:`;
      // Keys are `<keyPrefix>:<key>`; a block is a row over the limit whose time has not ended.
      const { rows } = await pool.query<{ key: string; points: number; expire: string }>(
        `select key, points, expire from ${THROTTLE_TABLE}
          where left(key, $1) = $2 and points > $3 and expire > $4
          order by expire`,
        [prefix.length, prefix, points, Date.now()],
      );
      return rows.map((row) => ({
        key: row.key.slice(prefix.length),
        failures: row.points,
        until: Number(row.expire),
      }));
    },
  };
}
