import type { Logger } from 'pino';
import { DropNotices } from '../drop-notices.ts';
import type { NewAuditRecord } from '../services/types.ts';
import { realTimers, type Timers } from '../timers.ts';

export type TimedAuditRecord = NewAuditRecord & { at: Date };

export interface AuditBatcherOptions {
  write(records: TimedAuditRecord[]): Promise<void>;
  logger: Logger;
  /** Records written per statement group; a full batch is written at once. */
  batchSize?: number;
  /** How long a record may wait for its batch to fill. */
  maxDelayMs?: number;
  /** Records waiting at most; past it new ones are dropped and counted. */
  maxQueued?: number;
  timers?: Timers;
  /** Told of every dropped record as it is dropped (the metrics count them). */
  onDropped?: () => void;
}

export const DEFAULT_AUDIT_BATCH = 500;
const DEFAULT_MAX_DELAY_MS = 200;
export const DEFAULT_MAX_QUEUED = 50_000;

/**
 * Collects the validation plane's audit records and writes them in batches, one write at a time.
 *
 * With `auditAuthentications` on, every checked request makes a record; written one insert each,
 * a flood of wrong tokens queued inserts faster than SQLite takes them and the companion's memory
 * grew without limit (850 MB after 8 s of one flood). Batches of 500 in one transaction are
 * written many times faster, and the queue is bounded: when the store still cannot keep up (or is
 * down), new records are dropped, counted, and the count logged as an error at most once a minute
 * and at the end, so a gap in the trail is never silent. Decisions never wait for the audit.
 */
export class AuditBatcher {
  readonly #options: Required<Omit<AuditBatcherOptions, 'write' | 'logger' | 'timers' | 'onDropped'>> &
    Pick<AuditBatcherOptions, 'write' | 'logger' | 'onDropped'>;
  readonly #timers: Timers;
  #queue: TimedAuditRecord[] = [];
  #writing: Promise<void> | undefined;
  #timer: unknown;
  readonly #drops: DropNotices;

  constructor(options: AuditBatcherOptions) {
    this.#options = {
      batchSize: DEFAULT_AUDIT_BATCH,
      maxDelayMs: DEFAULT_MAX_DELAY_MS,
      maxQueued: DEFAULT_MAX_QUEUED,
      ...options,
    };
    this.#timers = options.timers ?? realTimers;
    this.#drops = new DropNotices({
      timers: this.#timers,
      notify: (dropped, since) =>
        this.#options.logger.error(
          { event: 'audit.dropped', dropped, since: since.toISOString(), maxQueued: this.#options.maxQueued },
          'authentication audit records were dropped: the audit store could not keep up',
        ),
    });
  }

  /** Records waiting to be written. */
  get queued(): number {
    return this.#queue.length;
  }

  add(record: TimedAuditRecord): void {
    if (this.#queue.length >= this.#options.maxQueued) {
      this.#options.onDropped?.();
      this.#drops.add(1, record.at);
      return;
    }
    this.#queue.push(record);
    if (this.#queue.length >= this.#options.batchSize) this.#startWriting();
    else this.#timer ??= this.#timers.setTimeout(() => this.#startWriting(), this.#options.maxDelayMs);
  }

  /** Resolves once everything added so far is written (or has failed and been logged). */
  async flush(): Promise<void> {
    while (this.#writing !== undefined || this.#queue.length > 0) {
      this.#startWriting();
      await this.#writing;
    }
    this.#drops.flush();
  }

  #startWriting(): void {
    if (this.#timer !== undefined) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#writing !== undefined || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#options.batchSize);
    this.#writing = this.#options
      .write(batch)
      .catch((err) =>
        this.#options.logger.error(
          { err, event: 'audit.write_failed', records: batch.length },
          'could not write authentication audit records',
        ),
      )
      .finally(() => {
        this.#writing = undefined;
        // What arrived meanwhile goes next, full batch or not: the queue only grows while writing.
        if (this.#queue.length > 0) this.#startWriting();
      });
  }
}
