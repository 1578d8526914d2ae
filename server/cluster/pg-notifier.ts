// Change notifications between companions on one PostgreSQL database: LISTEN on a connection of
// its own (a pooled connection goes back to the pool and stops hearing), NOTIFY through a small
// pool. A lost listen connection is reported at once and reconnected with backoff.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';
import { realTimers, type Timers } from '../timers.ts';
import { CHANNEL, type ClusterMessage, decode, encode } from './messages.ts';

export interface NotifierOptions {
  connectionString: string;
  /** Where NOTIFY is sent (the cluster's pool); never the listen connection, which may be down. */
  pool: pg.Pool;
  logger: Logger;
  instanceId?: string;
  timers?: Timers;
  clock?: () => number;
  /** First reconnection delay; doubled per failed attempt up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often the listen connection is asked a trivial query, so a silent loss shows. */
  heartbeatMs?: number;
}

export interface NotifierEvents {
  message: [message: ClusterMessage, sentAt: number];
  /** The listen connection is up (again). */
  up: [];
  /** It is lost: changes made elsewhere are not heard until `up`. */
  down: [];
}

const PUBLISH_ATTEMPTS = 3;
// A listen connection that takes longer than this for `select 1` is treated as lost.
const QUERY_TIMEOUT_MS = 5_000;

export class PgNotifier extends EventEmitter<NotifierEvents> {
  readonly instanceId: string;
  readonly #options: NotifierOptions;
  readonly #timers: Timers;
  readonly #clock: () => number;
  #client: pg.Client | undefined;
  #attempt = 0;
  #retry: unknown;
  #heartbeat: unknown;
  #closed = false;

  constructor(options: NotifierOptions) {
    super();
    this.#options = options;
    this.instanceId = options.instanceId ?? randomUUID();
    this.#timers = options.timers ?? realTimers;
    this.#clock = options.clock ?? Date.now;
  }

  /** Whether changes made by the other companions are heard right now. */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  /**
   * Connects and listens. When that fails the companion still starts (its caches then live only
   * briefly, see relay.ts) and keeps trying in the background.
   */
  async start(): Promise<void> {
    try {
      await this.#connect();
    } catch (err) {
      this.#failed(err);
    }
  }

  /** Sends one change to the other companions; retried a little, then logged as lost. */
  async publish(message: ClusterMessage): Promise<void> {
    let payloads: string[];
    try {
      payloads = encode(this.instanceId, message, this.#clock());
    } catch (err) {
      // e.g. a block on a claimed name too long to send: the others find it in the shared store.
      this.#options.logger.warn(
        { err, event: 'cluster.unsendable', kind: message.kind },
        'a change too large to notify',
      );
      return;
    }
    for (const payload of payloads) {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.#options.pool.query('select pg_notify($1, $2)', [CHANNEL, payload]);
          break;
        } catch (err) {
          if (attempt >= PUBLISH_ATTEMPTS) {
            // The change itself is stored; the others apply it when their caches expire (10 s).
            this.#options.logger.error(
              { err, event: 'cluster.publish_failed', kind: message.kind },
              'could not tell the other companions about a change; they apply it within their cache lifetime',
            );
            return;
          }
          await new Promise((resolve) => this.#timers.setTimeout(() => resolve(undefined), 100 * attempt));
        }
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#timers.clearTimeout(this.#retry);
    this.#timers.clearInterval(this.#heartbeat);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** The backend process id of the listen connection (tests terminate it), or null when down. */
  get backendPid(): number | null {
    return (this.#client as (pg.Client & { processID?: number }) | undefined)?.processID ?? null;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#options.connectionString,
      application_name: `api-token-auth listen ${this.instanceId}`,
      keepAlive: true,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    // Attached before connecting: an 'error' without a listener would end the process.
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client));
    client.on('notification', (n) => {
      if (n.channel === CHANNEL) this.#receive(n.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#attempt = 0;
    this.#heartbeat = this.#timers.setInterval(() => {
      client.query('select 1').catch((err: unknown) => this.#lost(client, err));
    }, this.#options.heartbeatMs ?? 10_000);
    this.#options.logger.info(
      { event: 'cluster.listening', channel: CHANNEL },
      'listening for changes made by other companions',
    );
    this.emit('up');
  }

  #receive(payload: string): void {
    const envelope = decode(payload);
    if (envelope === null) {
      this.#options.logger.warn(
        { event: 'cluster.bad_notification' },
        'ignored a change notification that is not one',
      );
      return;
    }
    if (envelope.from === this.instanceId) return;
    this.emit('message', envelope.message, envelope.sentAt);
  }

  /** The listen connection is gone (error, end, heartbeat): say so once, then reconnect. */
  #lost(client: pg.Client, err?: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#timers.clearInterval(this.#heartbeat);
    client.end().catch(() => undefined);
    if (this.#closed) return;
    this.#options.logger.warn(
      { err, event: 'cluster.listen_lost' },
      'lost the connection that hears changes made by other companions; caches now live 1 s at most until it is back',
    );
    this.emit('down');
    this.#schedule();
  }

  #failed(err: unknown): void {
    // Warned once per outage; the retries every few seconds after it only at debug.
    const level = this.#attempt === 0 ? 'warn' : 'debug';
    this.#options.logger[level](
      { err, event: 'cluster.listen_failed', attempt: this.#attempt + 1 },
      'cannot listen for changes made by other companions; retrying',
    );
    this.#attempt++;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed) return;
    const min = this.#options.minBackoffMs ?? 100;
    const max = this.#options.maxBackoffMs ?? 5_000;
    // Jittered, so companions that lost the database together do not all return at once.
    const delay = Math.min(max, min * 2 ** this.#attempt) * (0.5 + Math.random() / 2);
    this.#timers.clearTimeout(this.#retry);
    this.#retry = this.#timers.setTimeout(() => {
      this.#connect().catch((err: unknown) => this.#failed(err));
    }, delay);
  }
}
