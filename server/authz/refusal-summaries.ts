import type { Logger } from 'pino';
import { realTimers, type Timers } from '../timers.ts';

/** What refusals are counted by: a blocked address or name, or the address prefix of failures. */
export type SummaryKind = 'address' | 'user' | 'prefix';

/** What one summary says: how many more refusals a key got since `since`. */
export interface RefusalSummary {
  kind: SummaryKind;
  key: string;
  refused: number;
  since: Date;
  until: Date;
  /** Whether any of the counted refusals happened with auditing on. */
  audit: boolean;
}

export interface RefusalSummariesOptions {
  logger: Logger;
  clock: () => Date;
  timers?: Timers;
  /** The summary log line: its `event` field and message. */
  event: string;
  message: string;
  /** Where a summary goes besides the log (the audit trail, when it was asked for). */
  onSummary?: (summary: RefusalSummary) => void;
  /** Refusals of one key reported in full per interval before the rest are only counted. */
  fullPerInterval?: number;
  intervalMs?: number;
  maxKeys?: number;
}

export const DEFAULT_SUMMARY_INTERVAL_MS = 60_000;
const DEFAULT_MAX_KEYS = 10_000;
/** Where refusals of keys beyond maxKeys are counted together. */
export const OTHER_KEYS = '(others)';

interface Count {
  kind: SummaryKind;
  key: string;
  /** Reported in full in this interval. */
  full: number;
  refused: number;
  since: Date;
  audit: boolean;
}

/**
 * Turns a key's refusals beyond the first few of a minute into one log line (and audit record)
 * a minute. Used twice by the validation plane:
 *  - a blocked address or name: a blocked client that keeps going is refused thousands of times
 *    a second in a flood; two log lines and an audit record for each filled disks and the audit
 *    table at the attacker's pace;
 *  - failed attempts per address prefix (/24, /64), for the audit trail: each wrong attempt from
 *    a fresh address would otherwise write a full row under a name the attacker chose.
 * The first `fullPerInterval` refusals of a key in an interval are reported in full like any
 * other; the rest are counted and reported as one summary with their number when the interval
 * ends (and at shutdown). A key quiet for a whole interval starts over.
 */
export class RefusalSummaries {
  readonly #counts = new Map<string, Count>();
  readonly #options: RefusalSummariesOptions;
  readonly #timers: Timers;
  readonly #intervalMs: number;
  readonly #maxKeys: number;
  readonly #fullPerInterval: number;
  #timer: unknown;

  constructor(options: RefusalSummariesOptions) {
    this.#options = options;
    this.#timers = options.timers ?? realTimers;
    this.#intervalMs = options.intervalMs ?? DEFAULT_SUMMARY_INTERVAL_MS;
    this.#maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.#fullPerInterval = options.fullPerInterval ?? 1;
  }

  /** Notes one refusal; true while its key may still be reported in full in this interval. */
  note(kind: SummaryKind, key: string, audit: boolean): boolean {
    const id = `${kind}:${key}`;
    const count = this.#counts.get(id);
    if (count !== undefined) {
      if (count.full < this.#fullPerInterval) {
        count.full++;
        return true;
      }
      count.refused++;
      count.audit ||= audit;
      return false;
    }
    if (this.#counts.size < this.#maxKeys) {
      this.#start(id, { kind, key, full: 1, refused: 0, since: this.#options.clock(), audit: false });
      return true;
    }
    // Past maxKeys, nothing more is reported in full: one more entry counts all the others.
    const others = this.#counts.get(OTHER_KEYS);
    if (others === undefined) {
      const since = this.#options.clock();
      this.#start(OTHER_KEYS, { kind, key: OTHER_KEYS, full: 0, refused: 1, since, audit });
    } else {
      others.refused++;
      others.audit ||= audit;
    }
    return false;
  }

  #start(id: string, count: Count): void {
    this.#counts.set(id, count);
    this.#timer ??= this.#timers.setInterval(() => this.report(), this.#intervalMs);
  }

  /** Reports every key refused since its last report, and forgets the keys that were quiet. */
  report(): void {
    const until = this.#options.clock();
    for (const [id, count] of this.#counts) {
      if (count.refused === 0) {
        this.#counts.delete(id);
        continue;
      }
      const { kind, key, refused, since, audit } = count;
      this.#options.logger.info(
        {
          event: this.#options.event,
          kind,
          key,
          refused,
          since: since.toISOString(),
          until: until.toISOString(),
        },
        this.#options.message,
      );
      this.#options.onSummary?.({ kind, key, refused, since, until, audit });
      count.full = this.#fullPerInterval;
      count.refused = 0;
      count.since = until;
      count.audit = false;
    }
    if (this.#counts.size === 0 && this.#timer !== undefined) {
      this.#timers.clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Reports what is counted and stops the timer (shutdown). */
  close(): void {
    this.report();
    this.#counts.clear();
    if (this.#timer !== undefined) this.#timers.clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
