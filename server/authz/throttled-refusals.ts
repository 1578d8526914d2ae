import type { Logger } from 'pino';

export type ThrottledKind = 'address' | 'user';

/** What one summary says: how many more refusals a blocked key got since `since`. */
export interface ThrottledSummary {
  kind: ThrottledKind;
  key: string;
  refused: number;
  since: Date;
  until: Date;
  /** Whether any of the counted refusals happened with auditing on. */
  audit: boolean;
}

export interface ThrottledRefusalsOptions {
  logger: Logger;
  clock: () => Date;
  /** Where a summary goes besides the log (the audit trail, when it was asked for). */
  onSummary?: (summary: ThrottledSummary) => void;
  intervalMs?: number;
  maxKeys?: number;
}

export const DEFAULT_SUMMARY_INTERVAL_MS = 60_000;
const DEFAULT_MAX_KEYS = 10_000;
/** Where refusals of keys beyond maxKeys are counted together. */
export const OTHER_KEYS = '(others)';

interface Count {
  kind: ThrottledKind;
  key: string;
  refused: number;
  since: Date;
  audit: boolean;
}

/**
 * Turns the refusals of a blocked address or name into one log line (and audit record) a minute.
 *
 * A blocked client that keeps going is refused thousands of times a second in a flood (a blocked
 * address without its token being looked at; under a blocked name, once the wrong token is
 * found wrong); two log lines and an audit record for each filled disks and the audit table at
 * the attacker's pace. The first refusal of a key in an interval is reported in
 * full like any other; the rest are counted and reported as one `auth.throttled` summary with
 * their number when the interval ends (and at shutdown). A key quiet for a whole interval starts
 * over with a full report.
 */
export class ThrottledRefusals {
  readonly #counts = new Map<string, Count>();
  readonly #options: ThrottledRefusalsOptions;
  readonly #intervalMs: number;
  readonly #maxKeys: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ThrottledRefusalsOptions) {
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? DEFAULT_SUMMARY_INTERVAL_MS;
    this.#maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  }

  /** Notes one refusal; true when it is the first of its key in this interval (report it in full). */
  note(kind: ThrottledKind, key: string, audit: boolean): boolean {
    const id = `${kind}:${key}`;
    const count = this.#counts.get(id);
    if (count !== undefined) {
      count.refused++;
      count.audit ||= audit;
      return false;
    }
    if (this.#counts.size < this.#maxKeys) {
      this.#start(id, { kind, key, refused: 0, since: this.#options.clock(), audit });
      return true;
    }
    // Past maxKeys, nothing more is reported in full: one more entry counts all the others.
    const others = this.#counts.get(OTHER_KEYS);
    if (others === undefined) {
      this.#start(OTHER_KEYS, { kind, key: OTHER_KEYS, refused: 1, since: this.#options.clock(), audit });
    } else {
      others.refused++;
      others.audit ||= audit;
    }
    return false;
  }

  #start(id: string, count: Count): void {
    this.#counts.set(id, count);
    this.#timer ??= setInterval(() => this.report(), this.#intervalMs).unref();
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
          event: 'auth.throttled',
          kind,
          key,
          refused,
          since: since.toISOString(),
          until: until.toISOString(),
        },
        'throttled token attempts refused',
      );
      this.#options.onSummary?.({ kind, key, refused, since, until, audit });
      count.refused = 0;
      count.since = until;
      count.audit = false;
    }
    if (this.#counts.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Reports what is counted and stops the timer (shutdown). */
  close(): void {
    this.report();
    this.#counts.clear();
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
