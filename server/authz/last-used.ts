import type { Logger } from 'pino';
import { realTimers, type Timers } from '../timers.ts';

export interface LastUsedOptions {
  /** TokenService.recordUse. */
  record(id: string, ip: string | null, at: Date): Promise<void>;
  logger: Logger;
  /** How often pending uses are written; also the most often one token is written. */
  intervalMs?: number;
  timers?: Timers;
}

interface PendingUse {
  ip: string | null;
  at: Date;
}

export const LAST_USED_INTERVAL_MS = 60_000;

/**
 * Collects token uses in memory and writes them in one batch per interval, so a token called a
 * thousand times a second costs one write a minute. Only the latest use of each token is kept.
 * `flush()` runs on shutdown, so a clean stop loses nothing.
 */
export class LastUsedBatcher {
  readonly #pending = new Map<string, PendingUse>();
  readonly #options: LastUsedOptions;
  #timer: unknown;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: LastUsedOptions) {
    this.#options = options;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  note(id: string, ip: string | null, at: Date): void {
    this.#pending.set(id, { ip, at });
    this.#timer ??= this.#schedule();
  }

  // A pending write never keeps a stopping process alive (realTimers unref); shutdown flushes.
  #schedule(): unknown {
    return (this.#options.timers ?? realTimers).setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#options.intervalMs ?? LAST_USED_INTERVAL_MS);
  }

  /** Writes everything pending; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) (this.#options.timers ?? realTimers).clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending];
    this.#pending.clear();
    for (const [id, use] of batch) {
      try {
        await this.#options.record(id, use.ip, use.at);
      } catch (err) {
        // Last-used is informational: a failed write is logged and never fails a request.
        this.#options.logger.warn({ err, tokenId: id }, 'could not record token use');
      }
    }
  }
}
