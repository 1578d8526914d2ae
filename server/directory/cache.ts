import { createHash } from 'node:crypto';

// A small TTL cache for directory answers. Keys are SHA-256 digests so a credential used as a key
// is never held in memory in clear; entries expire after at most `ttlMs` (≤ 30 s by contract).
export class TtlCache<T> {
  readonly #entries = new Map<string, { value: T; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => Date,
    private readonly maxEntries = 10_000,
  ) {}

  static key(...parts: string[]): string {
    return createHash('sha256').update(parts.join('\u0000')).digest('hex');
  }

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.clock().getTime()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T): void {
    // Bounded: drop the oldest entry rather than grow without limit.
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { value, expires: this.clock().getTime() + this.ttlMs });
  }

  clear(): void {
    this.#entries.clear();
  }
}
