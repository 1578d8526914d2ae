import type { Logger } from 'pino';
import type { Product } from '../config.ts';
import type { SiteClient } from '../directory/site-client.ts';
import { DropNotices } from '../drop-notices.ts';
import type { AuditService } from '../services/audit-service.ts';
import { realTimers, type Timers } from '../timers.ts';
import { authHeaders, probeSiteAudit, refusalOf, SITE_AUDIT_PATHS } from './site-audit-api.ts';
import { type LocalAuditRecord, type SiteEvent, siteRecordBody, toSiteEvents } from './site-records.ts';

export interface AuditMirrorOptions {
  site: SiteClient;
  product: Product;
  serviceAuth: string | undefined;
  logger: Logger;
  /** Whether a record appended inside a transaction is in the local audit (it may have rolled back). */
  isStored(record: LocalAuditRecord): Promise<boolean>;
  timers?: Timers;
  /** Records taken per round; management records are sent one POST each, authentications as one. */
  batchSize?: number;
  /** How long a record may wait for others to go with it. */
  maxDelayMs?: number;
  /** Records waiting at most; past it new ones are dropped and counted. */
  maxQueued?: number;
  /** First and longest wait before trying again after the site failed. */
  retryMs?: { first: number; max: number };
}

interface Queued {
  record: LocalAuditRecord;
  committed: boolean;
}

type MirrorState = 'unknown' | 'on' | 'off';

/**
 * Copies audit records into the site's own audit log, after the local append-only audit (the
 * source of truth) has them. Requests never wait for it: records join a bounded queue and one
 * round at a time sends them, oldest first. When the site fails, the round's unsent records go
 * back to the front and the next round waits (doubling up to `retryMs.max`); a full queue drops
 * new records and counts them, logged at most once a minute, like the validation plane's batcher.
 * On its first round it asks the site whether its audit REST takes records from the service user;
 * when not (Jira versions without the legacy API answer 404), mirroring is off, and the log says why.
 */
export class AuditMirror {
  readonly #o: Required<Omit<AuditMirrorOptions, 'serviceAuth' | 'timers'>> &
    Pick<AuditMirrorOptions, 'serviceAuth'>;
  readonly #timers: Timers;
  #state: MirrorState = 'unknown';
  #queue: Queued[] = [];
  #timer: unknown;
  #running: Promise<void> | undefined;
  #failures = 0;
  readonly #drops: DropNotices;
  #delivered = 0;
  #closed = false;
  #idle: Array<() => void> = [];

  constructor(options: AuditMirrorOptions) {
    this.#o = {
      batchSize: 100,
      maxDelayMs: 1000,
      maxQueued: 10_000,
      retryMs: { first: 1000, max: 5 * 60_000 },
      ...options,
    };
    this.#timers = options.timers ?? realTimers;
    this.#drops = new DropNotices({
      timers: this.#timers,
      notify: (dropped) =>
        this.#o.logger.error(
          { event: 'audit_mirror.dropped', dropped, maxQueued: this.#o.maxQueued },
          'audit records were not mirrored to the site: its queue was full (they are in the local audit log)',
        ),
    });
  }

  get state(): MirrorState {
    return this.#state;
  }

  /** Records waiting to be sent. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Local records the site has accepted so far (an authentication summary counts all it sums up). */
  get delivered(): number {
    return this.#delivered;
  }

  /** Records dropped since start because the queue was full (for metrics). */
  get droppedTotal(): number {
    return this.#drops.total;
  }

  /** The AuditService listener: never throws, never waits. */
  readonly add = (records: ReadonlyArray<LocalAuditRecord>, committed: boolean): void => {
    if (this.#state === 'off' || this.#closed) return;
    for (const record of records) {
      if (this.#queue.length >= this.#o.maxQueued) this.#drop(1);
      else this.#queue.push({ record, committed });
    }
    if (this.#failures === 0)
      this.#schedule(this.#queue.length >= this.#o.batchSize ? 0 : this.#o.maxDelayMs);
  };

  /** Sends what is queued now, without waiting for the delay or the backoff; one attempt. */
  async flush(): Promise<void> {
    this.#cancelTimer();
    await this.#run();
    // A round already under way may have ended its loop before what was queued meanwhile.
    if (this.#queue.length > 0 && this.#failures === 0) {
      this.#cancelTimer();
      await this.#run();
    }
    this.#drops.flush();
  }

  /** Resolves once the queue is empty (everything sent, skipped or dropped) or mirroring is off. */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** A last attempt; what is still queued then is logged as not mirrored. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    this.#cancelTimer();
    if (this.#queue.length > 0 && this.#state !== 'off') {
      this.#o.logger.error(
        { event: 'audit_mirror.unsent', records: this.#queue.length },
        'audit records were not mirrored to the site before shutdown (they are in the local audit log)',
      );
    }
    this.#queue = [];
    this.#wakeIdle();
  }

  #isIdle(): boolean {
    return this.#state === 'off' || this.#closed || (this.#queue.length === 0 && !this.#running);
  }

  #wakeIdle(): void {
    if (!this.#isIdle()) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, ms);
  }

  #run(): Promise<void> {
    this.#running ??= this.#round().finally(() => {
      this.#running = undefined;
      // Records that arrived as the round ended get a round of their own.
      if (this.#queue.length > 0 && this.#failures === 0 && this.#state !== 'off')
        this.#schedule(this.#o.maxDelayMs);
      this.#wakeIdle();
    });
    return this.#running;
  }

  async #round(): Promise<void> {
    try {
      if (this.#state === 'unknown' && this.#queue.length > 0) await this.#detect();
      while (this.#state === 'on' && this.#queue.length > 0) {
        await this.#send(this.#queue.splice(0, this.#o.batchSize));
      }
    } catch (err) {
      // The site (or the local store, asked about a transaction) failed: the records wait.
      this.#failures++;
      const wait = Math.min(this.#o.retryMs.first * 2 ** (this.#failures - 1), this.#o.retryMs.max);
      this.#o.logger.warn(
        {
          event: 'audit_mirror.retry',
          err,
          queued: this.#queue.length,
          retryInMs: wait,
          attempt: this.#failures,
        },
        'could not mirror audit records to the site; trying again later',
      );
      this.#schedule(wait);
      return;
    }
    if (this.#failures > 0) {
      this.#o.logger.info(
        { event: 'audit_mirror.resumed', failedAttempts: this.#failures, delivered: this.#delivered },
        'audit mirroring to the site works again',
      );
      this.#failures = 0;
    }
  }

  async #detect(): Promise<void> {
    const probe = await probeSiteAudit(this.#o.site, this.#o.product, this.#o.serviceAuth);
    if (probe.state === 'available') {
      this.#state = 'on';
      this.#o.logger.info(
        { event: 'audit_mirror.on', checked: probe.checked },
        'audit mirroring to the site is on',
      );
      return;
    }
    this.#turnOff(probe.checked, probe.why);
  }

  #turnOff(checked: string, why: string): void {
    this.#state = 'off';
    this.#o.logger.error(
      { event: 'audit_mirror.off', checked, notMirrored: this.#queue.length },
      `audit mirroring is off: ${why}`,
    );
    this.#queue = [];
  }

  /** Sends one batch; when something fails, what was not sent goes back to the front and it throws. */
  async #send(batch: Queued[]): Promise<void> {
    let unsent: Queued[] = batch;
    try {
      const records: LocalAuditRecord[] = [];
      for (const item of batch) {
        if (item.committed || (await this.#o.isStored(item.record))) records.push(item.record);
        else
          this.#o.logger.debug({ action: item.record.action }, 'not mirrored: its transaction rolled back');
      }
      const events = toSiteEvents(records);
      for (const [i, { event, sources }] of events.entries()) {
        unsent = events.slice(i).flatMap((e) => e.sources.map((record) => ({ record, committed: true })));
        if (!(await this.#post(event, sources))) return;
      }
      unsent = [];
    } finally {
      if (this.#state === 'on') this.#queue.unshift(...unsent);
    }
  }

  /** One site record; false when mirroring went off. A record the site rejects is logged and skipped. */
  async #post(event: SiteEvent, sources: LocalAuditRecord[]): Promise<boolean> {
    const { product, site, serviceAuth, logger } = this.#o;
    const path = SITE_AUDIT_PATHS[product].record;
    const res = await site.send('POST', path, authHeaders(serviceAuth), siteRecordBody(product, event));
    const refused = refusalOf(product, `POST ${path}`, res);
    if (refused) {
      this.#turnOff(refused.checked, refused.why);
      return false;
    }
    if (res.status === 429) throw new Error('the site is rate limiting its REST API (429)');
    if (res.status >= 200 && res.status < 300) this.#delivered += sources.length;
    else
      logger.error(
        { event: 'audit_mirror.rejected', status: res.status, actions: sources.map((s) => s.action) },
        'the site refused an audit record; it stays in the local audit log only',
      );
    return true;
  }

  #drop(n: number): void {
    this.#drops.add(n, new Date());
  }
}

/** `isStored` over the local audit: the same actor, action and millisecond. */
export function storedIn(audit: Pick<AuditService, 'list'>): (record: LocalAuditRecord) => Promise<boolean> {
  return async (record) => {
    const to = new Date(record.at.getTime() + 1);
    const page = await audit.list(
      { actor: record.actor, action: record.action, from: record.at, to },
      { limit: 1, offset: 0 },
    );
    return page.total > 0;
  };
}
