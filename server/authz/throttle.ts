import ipaddr from 'ipaddr.js';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors.ts';
import { canonicalAddress, rememberedAddressParse } from './client-ip.ts';

export interface ThrottleLimits {
  /** Failed token attempts allowed per window before blocking. */
  failures: number;
  windowSeconds: number;
  blockSeconds: number;
}

export interface ThrottleOptions {
  perAddress?: ThrottleLimits;
  perUser?: ThrottleLimits;
  /** Keys counted at once, per kind; past it the least recently failing are forgotten. */
  maxKeys?: number;
  /** Told (at most once a minute) that keys are being forgotten to stay within maxKeys. */
  onFull?: (kind: ThrottleKind, maxKeys: number) => void;
  now?: () => number;
  /** Counters and blocks shared by several companions (server/cluster); in memory when absent. */
  shared?: SharedThrottleStore;
  /** Told of each block this process made, so the other companions can refuse at once too. */
  onBlocked?: (kind: ThrottleKind, key: string, failures: number, msLeft: number) => void;
  /** Told of each reset, so the other companions drop their copy of the block. */
  onReset?: (kind: ThrottleKind, key: string) => void;
}

export type ThrottleKind = 'address' | 'user';
const KINDS: readonly ThrottleKind[] = ['address', 'user'];

export interface SharedLimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration: number;
  /** Counts in this process while the shared store does not answer: counting never stops. */
  insuranceLimiter: RateLimiterMemory;
}

/** A store of counters several companions share (PostgreSQL or Redis, see server/cluster). */
export interface SharedThrottleStore {
  limiter(options: SharedLimiterOptions): RateLimiterAbstract;
  /** The keys of `keyPrefix` with more than `points` failures now, and when their block ends (ms). */
  blocked(
    keyPrefix: string,
    points: number,
  ): Promise<Array<{ key: string; failures: number; until: number }>>;
}

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

// Each counted key costs rate-limiter-flexible about 450 bytes of heap until its window ends, and
// a flood of wrong tokens under made-up names or addresses makes a new key per request. Bounded,
// that is at most some 25 MB per kind.
export const DEFAULT_MAX_KEYS = 50_000;
const FULL_NOTICE_INTERVAL_MS = 60_000;

// One host on IPv6 commonly holds a whole /64 and can pick any source address in it, so IPv6
// clients are counted (and blocked) per /64, as the big services rate-limit them.
const IPV6_PREFIX = 64;

/**
 * The key an address is counted under: the canonical IPv4 address, or the IPv6 /64 it lies in
 * (`2001:db8:1:2::/64`). Also accepts such a /64 as listed by the admin API, and `unknown`.
 * Null for anything else.
 */
export function addressKeyOf(address: string | null): string | null {
  if (address === null || address === UNKNOWN_ADDRESS) return UNKNOWN_ADDRESS;
  // Asked on every token request once anything is blocked.
  return rememberedAddressKey(address);
}

/**
 * The address range a client's failures are summarised under: its IPv4 /24 or IPv6 /64 (an
 * attacker rarely controls less), or `unknown`.
 */
export function prefixKeyOf(address: string | null): string {
  const key = addressKeyOf(address) ?? UNKNOWN_ADDRESS;
  if (key === UNKNOWN_ADDRESS || key.includes(':')) return key;
  const dot = key.lastIndexOf('.');
  return `${key.slice(0, dot)}.0/24`;
}

function parseAddressKey(address: string): string | null {
  const slash = address.indexOf('/');
  const host = canonicalAddress(slash < 0 ? address : address.slice(0, slash));
  if (host === null || (slash >= 0 && address.slice(slash + 1) !== String(IPV6_PREFIX))) return null;
  if (!host.includes(':')) return slash < 0 ? host : null;
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${host}/${IPV6_PREFIX}`).toString()}/${IPV6_PREFIX}`;
}

const rememberedAddressKey = rememberedAddressParse(parseAddressKey);

interface Block {
  kind: ThrottleKind;
  key: string;
  failures: number;
  until: number;
}

/**
 * Counts failed token attempts per client address and per claimed username with
 * rate-limiter-flexible (in memory, or in a store the companions share) and remembers who is
 * blocked, so the check on every request is one synchronous map lookup, and a blocked key costs
 * the shared store nothing more. Only failures consume points: a valid token is never slowed
 * down by its own use.
 */
export class Throttle {
  readonly #limiters: Record<ThrottleKind, RateLimiterAbstract>;
  /** The in-memory counters: the limiters themselves, or the shared store's insurance. */
  readonly #memory: Record<ThrottleKind, RateLimiterMemory>;
  readonly #limits: Record<ThrottleKind, ThrottleLimits>;
  readonly #shared: SharedThrottleStore | undefined;
  readonly #onBlocked: ThrottleOptions['onBlocked'];
  readonly #onReset: ThrottleOptions['onReset'];
  readonly #blocks = new Map<string, Block>();
  /** The keys each limiter counts, least recently failing first, so the oldest can be forgotten. */
  readonly #counted: Record<ThrottleKind, Map<string, true>> = { address: new Map(), user: new Map() };
  readonly #maxKeys: number;
  readonly #onFull: ((kind: ThrottleKind, maxKeys: number) => void) | undefined;
  readonly #lastFullNotice: Record<ThrottleKind, number> = { address: -Infinity, user: -Infinity };
  readonly #now: () => number;

  constructor(options: ThrottleOptions = {}) {
    this.#limits = {
      address: options.perAddress ?? DEFAULT_ADDRESS_LIMITS,
      user: options.perUser ?? DEFAULT_USER_LIMITS,
    };
    const limiterOptions = (kind: ThrottleKind) => ({
      keyPrefix: kind,
      points: this.#limits[kind].failures,
      duration: this.#limits[kind].windowSeconds,
      blockDuration: this.#limits[kind].blockSeconds,
    });
    this.#memory = {
      address: new RateLimiterMemory(limiterOptions('address')),
      user: new RateLimiterMemory(limiterOptions('user')),
    };
    const shared = options.shared;
    this.#shared = shared;
    this.#limiters = shared
      ? {
          address: shared.limiter({ ...limiterOptions('address'), insuranceLimiter: this.#memory.address }),
          user: shared.limiter({ ...limiterOptions('user'), insuranceLimiter: this.#memory.user }),
        }
      : this.#memory;
    this.#onBlocked = options.onBlocked;
    this.#onReset = options.onReset;
    this.#maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.#onFull = options.onFull;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until the address may try tokens again; 0 when it is not blocked. */
  addressBlockedFor(clientIp: string | null): number {
    if (this.#blocks.size === 0) return 0;
    return this.#remaining('address', addressKeyOf(clientIp) ?? UNKNOWN_ADDRESS);
  }

  /** Seconds until wrong tokens for this name are answered as wrong again; 0 when not blocked. */
  userBlockedFor(username: string): number {
    return this.#remaining('user', username.toLowerCase());
  }

  async recordFailure(clientIp: string | null, username: string | null): Promise<void> {
    const consumes = [this.#consume('address', addressKeyOf(clientIp) ?? UNKNOWN_ADDRESS)];
    if (username !== null) consumes.push(this.#consume('user', username.toLowerCase()));
    await Promise.all(consumes);
  }

  /** Everything currently blocked in this process. */
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

  /**
   * Everything blocked for every companion, for the admin API: the shared store's blocks, plus
   * those counted here alone while it did not answer. A 503 when the shared store fails: a
   * partial list would look like a complete one.
   */
  async listAll(): Promise<ThrottleEntry[]> {
    const shared = this.#shared;
    if (shared === undefined) return this.list();
    const found = new Map<string, ThrottleEntry>();
    for (const kind of KINDS) {
      const blocked = await shared.blocked(kind, this.#limits[kind].failures).catch(() => {
        throw new AppError(503, 'throttle_store_unavailable', 'The shared throttle store does not answer.');
      });
      for (const { key, failures, until } of blocked) {
        found.set(`${kind}:${key}`, { kind, key, failures, blockedUntil: new Date(until).toISOString() });
      }
    }
    for (const entry of this.list()) {
      const id = `${entry.kind}:${entry.key}`;
      if (!found.has(id)) found.set(id, entry);
    }
    return [...found.values()];
  }

  /**
   * Forgets the failures of one address (or IPv6 /64) or user, for every companion; true when
   * there was something to forget. An address is forgotten with the rest of its /64.
   */
  async reset(kind: ThrottleKind, key: string): Promise<boolean> {
    const normalised = kind === 'user' ? key.toLowerCase() : addressKeyOf(key);
    if (normalised === null) return false;
    const blocked = this.#blocks.delete(`${kind}:${normalised}`);
    this.#counted[kind].delete(normalised);
    const counted = await this.#limiters[kind].delete(normalised);
    const countedHere = this.#shared ? await this.#memory[kind].delete(normalised) : false;
    // Told even when nothing was found here: another companion may hold a block of its own.
    this.#onReset?.(kind, normalised);
    return blocked || counted || countedHere;
  }

  /** A block another companion made (server/cluster): refused here too, without counting. */
  adopt(kind: ThrottleKind, key: string, failures: number, msLeft: number): void {
    const normalised = kind === 'user' ? key.toLowerCase() : addressKeyOf(key);
    if (normalised === null || msLeft <= 0) return;
    const existing = this.#blocks.get(`${kind}:${normalised}`);
    const until = this.#now() + msLeft;
    if (existing !== undefined && existing.until >= until) return;
    this.#block(kind, normalised, failures, until);
  }

  /** Drops this process's block and count of a key another companion reset (server/cluster). */
  forget(kind: ThrottleKind, key: string): void {
    const normalised = kind === 'user' ? key.toLowerCase() : addressKeyOf(key);
    if (normalised === null) return;
    this.#blocks.delete(`${kind}:${normalised}`);
    this.#counted[kind].delete(normalised);
    void this.#memory[kind].delete(normalised);
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
    // A blocked key needs no more counting: a blocked flood never reaches a shared store.
    if (this.#remaining(kind, key) > 0) return;
    this.#track(kind, key);
    try {
      await this.#limiters[kind].consume(key);
    } catch (rejection) {
      // A rejection is the limiter saying "over the limit now", with the time left.
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      if (rejection.msBeforeNext <= 0) return;
      this.#block(kind, key, rejection.consumedPoints, this.#now() + rejection.msBeforeNext);
      this.#onBlocked?.(kind, key, rejection.consumedPoints, rejection.msBeforeNext);
    }
  }

  #block(kind: ThrottleKind, key: string, failures: number, until: number): void {
    const id = `${kind}:${key}`;
    this.#blocks.delete(id);
    this.#blocks.set(id, { kind, key, failures, until });
    // Blocks are bounded like counters: past the limit the oldest block is lifted early.
    if (this.#blocks.size > 2 * this.#maxKeys) this.#forgetOldest(this.#blocks, () => undefined);
  }

  /** Marks the key as the most recent; past maxKeys the least recent is forgotten by its limiter. */
  #track(kind: ThrottleKind, key: string): void {
    const counted = this.#counted[kind];
    counted.delete(key);
    counted.set(key, true);
    if (counted.size <= this.#maxKeys) return;
    this.#forgetOldest(counted, (oldest) => void this.#memory[kind].delete(oldest));
    const now = this.#now();
    if (now - this.#lastFullNotice[kind] >= FULL_NOTICE_INTERVAL_MS) {
      this.#lastFullNotice[kind] = now;
      this.#onFull?.(kind, this.#maxKeys);
    }
  }

  #forgetOldest(map: Map<string, unknown>, forget: (key: string) => void): void {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
    forget(oldest.value);
  }
}
