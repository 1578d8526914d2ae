import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

export interface ThrottleLimits {
  /** Failed token attempts allowed per window before blocking. */
  failures: number;
  windowSeconds: number;
  blockSeconds: number;
}

export interface ThrottleOptions {
  perAddress?: ThrottleLimits;
  perUser?: ThrottleLimits;
}

export type ThrottleKind = 'address' | 'user';

export interface ThrottleEntry {
  kind: ThrottleKind;
  key: string;
  failures: number;
  blockedUntil: string;
}

// An address sees many users' tokens (a NAT, a CI farm) and a user many addresses, so both are
// generous; a guess at a 160-bit token succeeds by luck never, so the limit is about noise and load.
export const DEFAULT_ADDRESS_LIMITS: ThrottleLimits = { failures: 30, windowSeconds: 300, blockSeconds: 900 };
export const DEFAULT_USER_LIMITS: ThrottleLimits = { failures: 10, windowSeconds: 300, blockSeconds: 900 };

// A request whose client address cannot be told is still counted, all under one key.
const UNKNOWN_ADDRESS = 'unknown';

function limiter(limits: ThrottleLimits, keyPrefix: string): RateLimiterMemory {
  return new RateLimiterMemory({
    keyPrefix,
    points: limits.failures,
    duration: limits.windowSeconds,
    blockDuration: limits.blockSeconds,
  });
}

/**
 * Counts failed token attempts per client address and per claimed username and blocks either
 * once past its limit. Memory-backed: each companion counts its own. Only failures consume
 * points, so a valid token is never slowed down by its own use.
 */
export class Throttle {
  readonly #limiters: Record<ThrottleKind, RateLimiterMemory>;
  readonly #limits: Record<ThrottleKind, ThrottleLimits>;

  constructor(options: ThrottleOptions = {}) {
    this.#limits = {
      address: options.perAddress ?? DEFAULT_ADDRESS_LIMITS,
      user: options.perUser ?? DEFAULT_USER_LIMITS,
    };
    this.#limiters = {
      address: limiter(this.#limits.address, 'address'),
      user: limiter(this.#limits.user, 'user'),
    };
  }

  /** Seconds until the address and the name are both free again; 0 when neither is blocked. */
  async blockedFor(clientIp: string | null, username: string | null): Promise<number> {
    const checks = [this.#remaining('address', clientIp ?? UNKNOWN_ADDRESS)];
    if (username !== null) checks.push(this.#remaining('user', username.toLowerCase()));
    return Math.max(...(await Promise.all(checks)));
  }

  async recordFailure(clientIp: string | null, username: string | null): Promise<void> {
    const consumes = [this.#consume('address', clientIp ?? UNKNOWN_ADDRESS)];
    if (username !== null) consumes.push(this.#consume('user', username.toLowerCase()));
    await Promise.all(consumes);
  }

  /** Everything currently blocked, for the admin API. */
  list(): ThrottleEntry[] {
    const now = Date.now();
    const entries: ThrottleEntry[] = [];
    for (const kind of ['address', 'user'] as const) {
      for (const record of this.#limiters[kind].dump().storage) {
        const blocked = record.value > this.#limits[kind].failures;
        if (!blocked || record.expiresAt === null || record.expiresAt <= now) continue;
        entries.push({
          kind,
          key: String(record.key),
          failures: record.value,
          blockedUntil: new Date(record.expiresAt).toISOString(),
        });
      }
    }
    return entries;
  }

  /** Forgets the failures of one address or user; true when there was something to forget. */
  async reset(kind: ThrottleKind, key: string): Promise<boolean> {
    return this.#limiters[kind].delete(kind === 'user' ? key.toLowerCase() : key);
  }

  async #remaining(kind: ThrottleKind, key: string): Promise<number> {
    const res = await this.#limiters[kind].get(key);
    if (res === null || res.consumedPoints <= this.#limits[kind].failures) return 0;
    return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  }

  async #consume(kind: ThrottleKind, key: string): Promise<void> {
    // Rejection only means "now over the limit": the block is recorded by the limiter itself.
    await this.#limiters[kind].consume(key).catch((res: RateLimiterRes | Error) => {
      if (res instanceof Error) throw res;
    });
  }
}
