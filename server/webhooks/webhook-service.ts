// The optional webhook: its configuration (the signing secret sealed, never answered), the test
// button, and the announcements: expiry notices from the hourly check, tokens created for someone
// else, tokens revoked by someone other than their owner. Sending never blocks a request: every
// announcement goes through the bounded DeliveryQueue.
import type { Logger } from 'pino';
import type {
  PutWebhookSettings,
  WebhookEvent,
  WebhookSettings,
  WebhookTestResult,
} from '../../shared/api.ts';
import { badRequest } from '../errors.ts';
import type { AuditService } from '../services/audit-service.ts';
import type { ServiceEvents } from '../services/events.ts';
import type { TokenService } from '../services/token-service.ts';
import type { RequestContext } from '../services/types.ts';
import type { Store, WebhookConfigRecord } from '../store/index.ts';
import { realTimers, type Timers } from '../timers.ts';
import { DeliveryQueue, type WebhookTarget } from './delivery-queue.ts';
import { checkExpiries } from './expiry-check.ts';
import { payloadOf, type WebhookTokenFacts } from './payload.ts';
import { type SecretBox, secretBox } from './secret-box.ts';
import { announceTokenChanges } from './token-announcements.ts';

export const EXPIRY_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export interface WebhookServiceDeps {
  store: Store;
  /** The companion's HMAC key: the secret's sealing key is derived from it. */
  key: Buffer;
  logger: Logger;
  clock: () => Date;
  events: ServiceEvents;
  audit: AuditService;
  tokens: Pick<TokenService, 'adminList'>;
  /** The site's base URL, named in every payload. */
  site: string;
  fetch?: typeof fetch;
  timers?: Timers;
  random?: (n: number) => Buffer;
  /** Delivery tuning (tests): attempts, first retry delay, queue size. */
  delivery?: { maxAttempts?: number; baseDelayMs?: number; capacity?: number; timeoutMs?: number };
}

const OFF: WebhookSettings = { enabled: false, url: null, secretSet: false };

const publicView = (row: WebhookConfigRecord | null): WebhookSettings =>
  row ? { enabled: row.enabled, url: row.url, secretSet: row.sealedSecret !== null } : OFF;

/** What the audit trail (and the site's, when mirrored) keeps: chat webhook URLs carry secrets in their path. */
const auditView = (row: WebhookConfigRecord | null) => {
  const view = publicView(row);
  return { ...view, url: view.url && `${new URL(view.url).origin}/…` };
};

export class WebhookService {
  readonly queue: DeliveryQueue;
  readonly #box: SecretBox;
  readonly #timers: Timers;
  #announcements: { stop(): void } | undefined;
  #interval: unknown;
  #checking: Promise<unknown> | undefined;
  // Announcements still reading whether the webhook is on: waited for before the store closes.
  readonly #deciding = new Set<Promise<void>>();

  constructor(private readonly deps: WebhookServiceDeps) {
    this.#box = secretBox(deps.key, deps.random);
    this.#timers = deps.timers ?? realTimers;
    this.queue = new DeliveryQueue({
      logger: deps.logger,
      clock: deps.clock,
      fetch: deps.fetch,
      timers: deps.timers,
      target: () => this.#target(true),
      ...deps.delivery,
    });
  }

  async get(): Promise<WebhookSettings> {
    return publicView(await this.deps.store.webhook.get());
  }

  /**
   * Saves the webhook, audited as a settings change (the secret only as whether one is set, the URL
   * only as its origin). A secret left out keeps the stored one, null removes it; switching on
   * needs a URL and a secret.
   */
  async update(input: PutWebhookSettings, ctx: RequestContext): Promise<WebhookSettings> {
    return this.deps.store.transaction(async (repos) => {
      const stored = await repos.webhook.get();
      const sealedSecret =
        input.secret === undefined
          ? (stored?.sealedSecret ?? null)
          : input.secret && this.#box.seal(input.secret);
      if (input.enabled && (!input.url || !sealedSecret)) {
        throw badRequest('Set the webhook URL and a signing secret before switching it on.');
      }
      const next = {
        enabled: input.enabled,
        url: input.url,
        sealedSecret,
        updatedBy: ctx.actor.toLowerCase(),
        updatedAt: this.deps.clock(),
      };
      await repos.webhook.put(next);
      await this.deps.audit.record(
        {
          actor: ctx.actor,
          action: 'settings.changed',
          remoteIp: ctx.remoteIp,
          details: {
            before: { webhook: auditView(stored) },
            after: { webhook: auditView(next) },
            ...(input.secret ? { webhookSecretReplaced: true } : {}),
          },
        },
        repos,
      );
      this.deps.logger.info({ actor: ctx.actor, enabled: next.enabled }, 'webhook settings changed');
      return publicView(next);
    });
  }

  /** Sends a `test` event now (switched on or not) and reports what the receiver answered. */
  async test(ctx: RequestContext): Promise<WebhookTestResult> {
    const target = await this.#target(false);
    if (!target)
      return { delivered: false, status: null, error: 'Set the webhook URL and a signing secret first.' };
    const now = this.deps.clock();
    const token = {
      id: '00000000-0000-0000-0000-000000000000',
      name: 'Webhook test',
      owner: ctx.actor.toLowerCase(),
      expiresAt: null,
    };
    const { retry: _retry, ...result } = await this.queue.sendOnce(
      target,
      payloadOf('test', now, token, this.deps.site, ctx.actor),
    );
    this.deps.logger.info(
      { actor: ctx.actor, delivered: result.delivered, status: result.status },
      'webhook test sent',
    );
    return result;
  }

  /** Queues an announcement when the webhook is on; never throws, never waits for the receiver. */
  announce(event: WebhookEvent, token: WebhookTokenFacts, actor?: string): void {
    const deciding = this.#target(true)
      .then((target) => {
        if (target) this.queue.enqueue(payloadOf(event, this.deps.clock(), token, this.deps.site, actor));
      })
      .catch((err: unknown) => this.deps.logger.warn({ err, event }, 'webhook announcement skipped'))
      .finally(() => this.#deciding.delete(deciding));
    this.#deciding.add(deciding);
  }

  /** Settles once every announcement so far is queued or dropped and no attempt is under way. */
  async idle(): Promise<void> {
    await Promise.all(this.#deciding);
    await this.queue.idle();
  }

  /** One run of the expiry check (the hourly job); returns how many notices it queued. */
  async checkExpiries(): Promise<number> {
    if (!(await this.#target(true))) return 0;
    const { store, tokens } = this.deps;
    return checkExpiries(
      {
        tokensExpiring: async (from, to, offset, limit) =>
          (await tokens.adminList({ expiresFrom: from, expiresTo: to }, { offset, limit })).items,
        claim: (tokenId, event, at) => store.webhook.claimNotice(tokenId, event, at),
        hasRoom: () => this.queue.hasRoom(),
        announce: (event, token, at) => this.queue.enqueue(payloadOf(event, at, token, this.deps.site)),
      },
      this.deps.clock(),
    );
  }

  /** Listens for token changes and runs the expiry check now and every hour. */
  start(): void {
    this.#announcements = announceTokenChanges({
      events: this.deps.events,
      audit: this.deps.audit,
      announce: (event, token, actor) => this.announce(event, token, actor),
    });
    const run = () => {
      if (this.#checking) return;
      this.#checking = this.checkExpiries()
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'webhook expiry check failed'))
        .finally(() => {
          this.#checking = undefined;
        });
    };
    this.#interval = this.#timers.setInterval(run, EXPIRY_CHECK_INTERVAL_MS);
    run();
  }

  async close(): Promise<void> {
    this.#announcements?.stop();
    if (this.#interval !== undefined) this.#timers.clearInterval(this.#interval);
    await this.#checking;
    await Promise.all(this.#deciding);
    await this.queue.close();
  }

  /** URL and opened secret; null when either is missing, or (with `enabled`) the webhook is off. */
  async #target(enabled: boolean): Promise<WebhookTarget | null> {
    const row = await this.deps.store.webhook.get();
    if (!row?.url || !row.sealedSecret || (enabled && !row.enabled)) return null;
    const secret = this.#box.open(row.sealedSecret);
    if (secret === null) {
      this.deps.logger.error(
        'the stored webhook secret does not open with this companion’s key; save a new one',
      );
      return null;
    }
    return { url: row.url, secret };
  }
}
