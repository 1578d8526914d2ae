import { hash, randomBytes } from 'node:crypto';
import type { ServiceEvents } from '../services/events.ts';
import type { ResolvedToken } from './decision-engine.ts';

export interface DecisionCacheOptions {
  clock: () => Date;
  /** How long a positive result is reused: bounds how late a site-side change (group, deactivation) applies. */
  ttlMs?: number;
  maxEntries?: number;
}

export const DEFAULT_DECISION_TTL_MS = 10_000;
const DEFAULT_MAX_ENTRIES = 10_000;

interface Entry {
  resolved: ResolvedToken;
  expiresAt: number;
}

/**
 * Short-lived, in-process cache of positive token results (token valid, owner active and allowed
 * to use tokens), so repeated calls skip parsing the credential, the store and the site. Only
 * positives are kept, so a flood of wrong tokens cannot fill it. Entries are found by the
 * request's Authorization value, which holds the token; keys are keyed hashes of that value under
 * a key that lives only in this process, so the secret itself is never held. One token has as
 * many entries as it has spellings (`Bearer T`, `alice:T`, `ALICE:T`…); every one of them is
 * found by the token's id, and changes in this process drop them all at once: that is what makes
 * a deleted token fail on the very next request, whichever way it is written.
 */
export class DecisionCache {
  readonly #key = randomBytes(32).toString('base64');
  readonly #entries = new Map<string, Entry>();
  readonly #keysByTokenId = new Map<string, Set<string>>();
  readonly #clock: () => Date;
  readonly #defaultTtlMs: number;
  #ttlMs: number;
  readonly #maxEntries: number;

  constructor(options: DecisionCacheOptions) {
    this.#clock = options.clock;
    this.#defaultTtlMs = options.ttlMs ?? DEFAULT_DECISION_TTL_MS;
    this.#ttlMs = this.#defaultTtlMs;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  /**
   * How long entries made from now on are reused; undefined restores the configured lifetime.
   * Shortened while changes made by other companions cannot be heard (server/cluster/relay.ts).
   */
  setTtlMs(ttlMs: number | undefined): void {
    this.#ttlMs = ttlMs ?? this.#defaultTtlMs;
  }

  get size(): number {
    return this.#entries.size;
  }

  // SHA-256 over a random per-process key and the credential: nobody sees these digests, so a
  // secret-prefix hash keys as well as an HMAC here, and one-shot hash() costs a seventh of
  // createHmac() on the path of every REST request.
  #hash(credential: string): string {
    return hash('sha256', this.#key + credential, 'base64');
  }

  get(credential: string): ResolvedToken | undefined {
    const key = this.#hash(credential);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#clock().getTime()) {
      this.#delete(key, entry);
      return undefined;
    }
    return entry.resolved;
  }

  set(credential: string, resolved: ResolvedToken): void {
    const key = this.#hash(credential);
    if (!this.#entries.has(key) && this.#entries.size >= this.#maxEntries) {
      // Maps iterate in insertion order: the first entry is the oldest.
      const oldest = this.#entries.entries().next().value;
      if (oldest) this.#delete(oldest[0], oldest[1]);
    }
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#delete(key, previous);
    this.#entries.set(key, { resolved, expiresAt: this.#clock().getTime() + this.#ttlMs });
    const id = resolved.token.id;
    let keys = this.#keysByTokenId.get(id);
    if (keys === undefined) {
      keys = new Set();
      this.#keysByTokenId.set(id, keys);
    }
    keys.add(key);
  }

  invalidateTokens(tokenIds: readonly string[]): void {
    for (const id of tokenIds) {
      for (const key of this.#keysByTokenId.get(id) ?? []) this.#entries.delete(key);
      this.#keysByTokenId.delete(id);
    }
  }

  /** Drops the entries of tokens that expire after `limit` (or never): their expiry was capped. */
  invalidateOutliving(limit: Date): void {
    const at = limit.getTime();
    for (const [key, entry] of this.#entries) {
      const expiresAt = entry.resolved.token.expiresAt;
      if (expiresAt === null || expiresAt.getTime() > at) this.#delete(key, entry);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#keysByTokenId.clear();
  }

  /** Drops what a change makes stale; returns the function that stops listening. */
  subscribe(events: ServiceEvents): () => void {
    const onDeleted = ({ tokenIds }: { tokenIds: string[] }) => this.invalidateTokens(tokenIds);
    // A cached entry keeps the old expiry, which the allow answer reports (X-Api-Token-Expiration).
    const onCapped = ({ expiresAt }: { expiresAt: Date }) => this.invalidateOutliving(expiresAt);
    // A setting (forced read-only, allowlists) or a permission may turn any positive into a negative.
    const onChanged = () => this.clear();
    events.on('token.deleted', onDeleted);
    events.on('tokens.capped', onCapped);
    events.on('settings.changed', onChanged);
    events.on('permissions.changed', onChanged);
    return () => {
      events.off('token.deleted', onDeleted);
      events.off('tokens.capped', onCapped);
      events.off('settings.changed', onChanged);
      events.off('permissions.changed', onChanged);
    };
  }

  #delete(key: string, entry: Entry): void {
    this.#entries.delete(key);
    const id = entry.resolved.token.id;
    const keys = this.#keysByTokenId.get(id);
    keys?.delete(key);
    if (keys?.size === 0) this.#keysByTokenId.delete(id);
  }
}
