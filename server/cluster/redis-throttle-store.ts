// Brute-force counters every companion shares, in Redis (ATA_REDIS_URL) through
// rate-limiter-flexible's RateLimiterRedis. Commands never wait for a connection: while Redis is
// away each check counts in its process instead (the insurance limiter), so counting never stops.
import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { SharedLimiterOptions, SharedThrottleStore } from '../authz/throttle.ts';

export interface RedisThrottleOptions {
  url: string;
  /** Put before every key (ATA_REDIS_KEY_PREFIX), so deployments can share one Redis. */
  keyPrefix: string;
  logger: Logger;
}

// A check waits at most this long for Redis before counting locally.
const COMMAND_TIMEOUT_MS = 1_000;
// How long a starting companion waits for Redis before starting without it (it keeps trying).
const READY_WAIT_MS = 2_000;
const SCAN_COUNT = 500;

export interface RedisThrottleStore extends SharedThrottleStore {
  close(): Promise<void>;
}

export async function openRedisThrottleStore(options: RedisThrottleOptions): Promise<RedisThrottleStore> {
  const { logger, keyPrefix } = options;
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectionName: 'api-token-auth throttle',
    retryStrategy: (times) => Math.min(100 * 2 ** times, 5_000),
  });
  // ioredis reports every failed reconnection; the log says so once per outage.
  let reported = false;
  client.on('error', (err) => {
    if (reported) return;
    reported = true;
    logger.warn(
      { err, event: 'throttle.redis_unavailable' },
      'Redis does not answer: failed token attempts are counted per companion until it is back',
    );
  });
  client.on('ready', () => {
    if (reported)
      logger.info({ event: 'throttle.redis_restored' }, 'Redis answers again: counting is shared');
    reported = false;
  });
  const ready = once(client, 'ready');
  const timeout = new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS).unref());
  await Promise.race([ready, timeout]).catch(() => undefined);

  return {
    limiter: (limiter: SharedLimiterOptions) =>
      new RateLimiterRedis({
        ...limiter,
        keyPrefix: `${keyPrefix}${limiter.keyPrefix}`,
        storeClient: client,
        rejectIfRedisNotReady: true,
      }),
    async blocked(kind, points) {
      // The limiter's keys are `<keyPrefix><kind>:<key>`; the prefix holds no glob characters.
      const prefix = `${keyPrefix}${kind}:`;
      const found: Array<{ key: string; failures: number; until: number }> = [];
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', SCAN_COUNT);
        cursor = next;
        if (keys.length === 0) continue;
        const pipeline = client.pipeline();
        for (const key of keys) pipeline.get(key).pttl(key);
        const answers = (await pipeline.exec()) ?? [];
        const now = Date.now();
        keys.forEach((key, i) => {
          const failures = Number(answers[2 * i]?.[1]);
          const ttl = Number(answers[2 * i + 1]?.[1]);
          if (failures > points && ttl > 0) {
            found.push({ key: key.slice(prefix.length), failures, until: now + ttl });
          }
        });
      } while (cursor !== '0');
      return found.sort((a, b) => a.until - b.until);
    },
    async close() {
      client.disconnect();
    },
  };
}
