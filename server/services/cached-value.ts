// A value read from the store and kept for a short time. The validation plane reads settings and
// permissions on every request; a change made by this process is set at once, one made by another
// process sharing the database shows within `ttlMs`. Failed reads are not kept.
export class CachedValue<T> {
  private entry: { value: Promise<T>; until: number } | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly clock: () => Date,
    private readonly ttlMs: number,
  ) {}

  get(): Promise<T> {
    const now = this.clock().getTime();
    if (this.entry && now < this.entry.until) return this.entry.value;
    const value = this.load();
    const entry = { value, until: now + this.ttlMs };
    this.entry = entry;
    value.catch(() => {
      if (this.entry === entry) this.entry = undefined;
    });
    return value;
  }

  /** Forgets the value, so the next get() reads it (another companion changed it: server/cluster). */
  invalidate(): void {
    this.entry = undefined;
  }

  set(value: T): void {
    this.entry = { value: Promise.resolve(value), until: this.clock().getTime() + this.ttlMs };
  }
}
