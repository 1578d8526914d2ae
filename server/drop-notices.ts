import { realTimers, type Timers } from './timers.ts';

export const DROP_NOTICE_INTERVAL_MS = 60_000;

export interface DropNoticesOptions {
  /** Logs what was dropped since the last notice: how many, and since when. */
  notify(dropped: number, since: Date): void;
  timers?: Timers;
  now?: () => number;
}

/**
 * Counts what a bounded queue had to drop, and says so at most once a minute (and at the end),
 * so a gap is never silent and a flood of drops makes no flood of log lines. Shared by the
 * authentication audit batcher and the audit mirror.
 */
export class DropNotices {
  readonly #options: DropNoticesOptions;
  readonly #timers: Timers;
  readonly #now: () => number;
  #dropped = 0;
  #since: Date | undefined;
  #total = 0;
  #lastNotice = Number.NEGATIVE_INFINITY;
  #timer: unknown;

  constructor(options: DropNoticesOptions) {
    this.#options = options;
    this.#timers = options.timers ?? realTimers;
    this.#now = options.now ?? Date.now;
  }

  /** Everything dropped since start. */
  get total(): number {
    return this.#total;
  }

  add(count: number, at: Date): void {
    this.#dropped += count;
    this.#total += count;
    this.#since ??= at;
    this.#notice(false);
  }

  /** Says what is still unsaid now, whatever the time since the last notice (shutdown). */
  flush(): void {
    this.#notice(true);
  }

  #notice(final: boolean): void {
    if (this.#dropped === 0) return;
    const wait = this.#lastNotice + DROP_NOTICE_INTERVAL_MS - this.#now();
    if (!final && wait > 0) {
      this.#timer ??= this.#timers.setTimeout(() => {
        this.#timer = undefined;
        this.#notice(false);
      }, wait);
      return;
    }
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#lastNotice = this.#now();
    this.#options.notify(this.#dropped, this.#since ?? new Date(this.#now()));
    this.#dropped = 0;
    this.#since = undefined;
  }
}
