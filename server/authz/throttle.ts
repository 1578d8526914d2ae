import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface ThrottleLimits {
  /** Failed token attempts allowed per window before blocking. */
  failures: number;
  windowSeconds: number;
  blockSeconds: number;
}

export interface ThrottleOptions {
  perAddress?: ThrottleLimits;
  perUser?: ThrottleLimits;
  now?: () => number;
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

interface Block {
  kind: ThrottleKind;
  key: string;
  failures: number;
  until: number;
}

/**
 * Counts failed token attempts per client address and per claimed username with
 * rate-limiter-flexible (memory: each companion counts its own) and remembers who is blocked, so
 * the check on every request is one synchronous map lookup. Only failures consume points: a
 * valid token is never slowed down by its own use.
 */
export class Throttle {
  readonly #limiters: Record<ThrottleKind, RateLimiterMemory>;
  readonly #blocks = new Map<string, Block>();
  readonly #now: () => number;

  constructor(options: ThrottleOptions = {}) {
    const limiter = (limits: ThrottleLimits, keyPrefix: string) =>
      new RateLimiterMemory({
        keyPrefix,
        points: limits.failures,
        duration: limits.windowSeconds,
        blockDuration: limits.blockSeconds,
      });
    this.#limiters = {
      address: limiter(options.perAddress ?? DEFAULT_ADDRESS_LIMITS, 'address'),
      user: limiter(options.perUser ?? DEFAULT_USER_LIMITS, 'user'),
    };
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until the address may try tokens again; 0 when it is not blocked. */
  addressBlockedFor(clientIp: string | null): number {
    return this.#remaining('address', clientIp ?? UNKNOWN_ADDRESS);
  }

  /** Seconds until wrong tokens for this name are answered as wrong again; 0 when not blocked. */
  userBlockedFor(username: string): number {
    return this.#remaining('user', username.toLowerCase());
  }

  async recordFailure(clientIp: string | null, username: string | null): Promise<void> {
    const consumes = [this.#consume('address', clientIp ?? UNKNOWN_ADDRESS)];
    if (username !== null) consumes.push(this.#consume('user', username.toLowerCase()));
    await Promise.all(consumes);
  }

  /** Everything currently blocked, for the admin API. */
  list(): ThrottleEntry[] {
    const now = this.#now();
    return [...this.#blocks.values()]
      .filter((block) => block.until > now)
      .map(({ kind, key, failures, until }) => ({
        kind,
        key,
        failures,
        blockedUntil: new Date(until).toISOString(),
      }));
  }

  /** Forgets the failures of one address or user; true when there was something to forget. */
  async reset(kind: ThrottleKind, key: string): Promise<boolean> {
    const normalised = kind === 'user' ? key.toLowerCase() : key;
    const blocked = this.#blocks.delete(`${kind}:${normalised}`);
    const counted = await this.#limiters[kind].delete(normalised);
    return blocked || counted;
  }

  #remaining(kind: ThrottleKind, key: string): number {
    if (this.#blocks.size === 0) return 0;
    const id = `${kind}:${key}`;
    const block = this.#blocks.get(id);
    if (block === undefined) return 0;
    const ms = block.until - this.#now();
    if (ms <= 0) {
      this.#blocks.delete(id);
      return 0;
    }
    return Math.ceil(ms / 1000);
  }

  async #consume(kind: ThrottleKind, key: string): Promise<void> {
    try {
      await this.#limiters[kind].consume(key);
    } catch (rejection) {
      // A rejection is the limiter saying "over the limit now", with the time left.
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      this.#blocks.set(`${kind}:${key}`, {
        kind,
        key,
        failures: rejection.consumedPoints,
        until: this.#now() + rejection.msBeforeNext,
      });
    }
  }
}
