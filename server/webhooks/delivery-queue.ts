// Sends deliveries one after the other from a bounded queue, so a slow or dead receiver never
// holds up a request: enqueue() returns at once. A failed attempt is retried after 1 s, 2 s, 4 s
// and 8 s (five attempts), on the injected timers; a full queue drops the new delivery and says so.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { realTimers, type Timers } from '../timers.ts';
import type { WebhookPayload } from './payload.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign, TIMESTAMP_HEADER } from './signature.ts';

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface AttemptResult {
  delivered: boolean;
  status: number | null;
  error?: string;
  /** Worth another attempt: no answer, 408, 429 or 5xx. */
  retry: boolean;
}

export interface DeliveryQueueDeps {
  logger: Logger;
  clock: () => Date;
  /** Read before every attempt: a changed URL or secret applies to retries, a disabled webhook stops them. */
  target: () => Promise<WebhookTarget | null>;
  fetch?: typeof fetch;
  timers?: Timers;
  capacity?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
}

interface Pending {
  id: string;
  payload: WebhookPayload;
  attempts: number;
}

/** Where a delivery went, for the log: the origin only, since chat webhook URLs carry secrets in their path. */
const originOf = (url: string) => new URL(url).origin;

export class DeliveryQueue {
  readonly #queue: Pending[] = [];
  readonly #timers: Timers;
  readonly #fetch: typeof fetch;
  #running: Promise<void> | undefined;
  #retryTimer: unknown;
  #closed = false;

  constructor(private readonly deps: DeliveryQueueDeps) {
    this.#timers = deps.timers ?? realTimers;
    this.#fetch = deps.fetch ?? fetch;
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** Queues a delivery; false (and a warning) when the queue is full or closed. */
  enqueue(payload: WebhookPayload): boolean {
    if (!this.hasRoom()) {
      this.deps.logger.warn(
        { event: payload.event, tokenId: payload.token.id },
        'webhook queue full, delivery dropped',
      );
      return false;
    }
    this.#queue.push({ id: randomUUID(), payload, attempts: 0 });
    if (this.#retryTimer === undefined) this.#pump();
    return true;
  }

  /** One attempt, now, outside the queue: the test button. */
  sendOnce(target: WebhookTarget, payload: WebhookPayload): Promise<AttemptResult> {
    return this.#attempt(target, randomUUID(), payload);
  }

  /** Whether another delivery fits: the expiry check stops claiming notices when it does not. */
  hasRoom(): boolean {
    return !this.#closed && this.#queue.length < (this.deps.capacity ?? 100);
  }

  /** Settles when no attempt is under way: the queue is empty, or waits for a retry timer. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops retrying, finishes the attempt under way and drops what is left (logged). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer !== undefined) this.#timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    await this.#running;
    const dropped = this.#queue.splice(0).length;
    if (dropped > 0) this.deps.logger.warn({ dropped }, 'webhook deliveries dropped at shutdown');
  }

  #pump(): void {
    if (this.#running || this.#closed) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      // Queued while the drain was finishing.
      if (this.#queue.length > 0 && this.#retryTimer === undefined) this.#pump();
    });
  }

  async #drain(): Promise<void> {
    while (!this.#closed) {
      const head = this.#queue[0];
      if (!head) return;
      head.attempts += 1;
      const result = await this.#attemptQueued(head);
      if (result.delivered || !result.retry || head.attempts >= (this.deps.maxAttempts ?? 5)) {
        this.#queue.shift();
        if (!result.delivered) {
          this.deps.logger.error(
            {
              event: head.payload.event,
              delivery: head.id,
              attempts: head.attempts,
              status: result.status,
              error: result.error,
            },
            'webhook delivery failed, given up',
          );
        }
        continue;
      }
      const delayMs = (this.deps.baseDelayMs ?? 1_000) * 2 ** (head.attempts - 1);
      this.deps.logger.warn(
        {
          event: head.payload.event,
          delivery: head.id,
          attempt: head.attempts,
          status: result.status,
          error: result.error,
          retryInMs: delayMs,
        },
        'webhook delivery failed, will retry',
      );
      this.#retryTimer = this.#timers.setTimeout(() => {
        this.#retryTimer = undefined;
        this.#pump();
      }, delayMs);
      return;
    }
  }

  async #attemptQueued(head: Pending): Promise<AttemptResult> {
    try {
      const target = await this.deps.target();
      // Switched off (or its secret removed) since it was queued: nothing to send any more.
      if (!target) return { delivered: false, status: null, error: 'webhook is off', retry: false };
      return await this.#attempt(target, head.id, head.payload);
    } catch (err) {
      return { delivered: false, status: null, error: (err as Error).message, retry: true };
    }
  }

  async #attempt(target: WebhookTarget, id: string, payload: WebhookPayload): Promise<AttemptResult> {
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(this.deps.clock().getTime() / 1000);
    const abort = new AbortController();
    const timeout = this.#timers.setTimeout(() => abort.abort(), this.deps.timeoutMs ?? 10_000);
    try {
      const res = await this.#fetch(target.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'api-token-auth-webhook',
          [EVENT_HEADER]: payload.event,
          [DELIVERY_HEADER]: id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: sign(target.secret, timestamp, body),
        },
        body,
        // A redirect is not followed: the signed body goes only where the administrator said.
        redirect: 'manual',
        signal: abort.signal,
      });
      await res.body?.cancel();
      const delivered = res.status >= 200 && res.status < 300;
      const retry = res.status === 408 || res.status === 429 || res.status >= 500;
      this.deps.logger.debug(
        { event: payload.event, delivery: id, to: originOf(target.url), status: res.status },
        'webhook delivery answered',
      );
      return delivered
        ? { delivered, status: res.status, retry: false }
        : { delivered, status: res.status, error: `the receiver answered ${res.status}`, retry };
    } catch (err) {
      const error = abort.signal.aborted
        ? 'the receiver did not answer in time'
        : `could not reach the receiver: ${causeOf(err)}`;
      return { delivered: false, status: null, error, retry: true };
    } finally {
      this.#timers.clearTimeout(timeout);
    }
  }
}

/** fetch's "fetch failed" hides the reason (ECONNREFUSED, …) in its cause. */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
