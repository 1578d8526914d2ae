import type { Logger } from 'pino';
import { evaluatePermissions, type PermissionsDocument } from '../../shared/permissions.ts';
import type { Directory } from '../directory/index.ts';
import type { AuthzObserver } from '../metrics/observers.ts';
import type { ServiceEvents } from '../services/events.ts';
import type { TokenService } from '../services/token-service.ts';
import type { Settings } from '../services/types.ts';
import type { SiteCredentialService } from '../site-credentials/site-credential-service.ts';
import type { Timers } from '../timers.ts';
import { AuditBatcher, type TimedAuditRecord } from './audit-batcher.ts';
import { type AuthLog, authLogFor, loggablePath } from './auth-log.ts';
import { DecisionCache } from './decision-cache.ts';
import {
  type AuthzRequest,
  carriesCredential,
  type Decision,
  type DecisionPorts,
  decide,
  type SiteCredentialAnswer,
  type TokenFacts,
  UnavailableError,
} from './decision-engine.ts';
import { LastUsedBatcher } from './last-used.ts';
import { type AuthzPolicy, compilePolicy } from './policy.ts';
import { auditActionFor } from './reasons.ts';
import { OTHER_KEYS, RefusalSummaries, type RefusalSummary } from './refusal-summaries.ts';
import { addressKeyOf, prefixKeyOf, Throttle, type ThrottleOptions } from './throttle.ts';

export interface AuthzServiceDeps {
  tokens: Pick<TokenService, 'verify' | 'recordUse' | 'bindOwner'>;
  directory: Pick<Directory, 'lookupUser' | 'lookupUserByKey' | 'whoAmI'>;
  /** The owners' sealed site PATs (site-token mode). */
  siteCredentials: Pick<SiteCredentialService, 'unseal' | 'markRefused' | 'rotateIfDue' | 'shareWithPending'>;
  /** Where tokens may be used on the site (server/authz/paths.ts tokenPaths). */
  tokenPathAllowed(target: string): boolean;
  settings: { get(): Promise<Settings> };
  permissions: { get(): Promise<PermissionsDocument> };
  audit: { recordMany(entries: TimedAuditRecord[]): Promise<void> };
  events: ServiceEvents;
  logger: Logger;
  clock: () => Date;
  timers?: Timers;
  throttle?: ThrottleOptions;
  cacheTtlMs?: number;
  lastUsedIntervalMs?: number;
  /** Told of every decision, cache hit and miss, block and dropped audit record (server/metrics). */
  observer?: AuthzObserver;
}

const UNAVAILABLE_MESSAGES = {
  'store-unavailable': 'token store unavailable',
  'site-unavailable': 'site directory unavailable',
} as const;

/**
 * A backend call for the engine: its failure is logged once and becomes the UnavailableError the
 * engine refuses with (fail closed), never an exception of the backend's own.
 */
async function answering<T>(
  logger: Logger,
  reason: UnavailableError['reason'],
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    logger.error({ err }, UNAVAILABLE_MESSAGES[reason]);
    throw new UnavailableError(reason, { cause: err });
  }
}

/** The throttle's onBlocked, telling the observer of every block this process starts as well. */
function countingBlocks(
  observer: AuthzObserver,
  onBlocked: ThrottleOptions['onBlocked'],
): ThrottleOptions['onBlocked'] {
  return (kind, key, failures, msLeft) => {
    observer.blockStarted(kind);
    onBlocked?.(kind, key, failures, msLeft);
  };
}

/** The decision cache as the engine sees it, telling the observer of every hit. */
function observedCache(cache: DecisionCache, observer: AuthzObserver): DecisionPorts['cache'] {
  return {
    get(authorization) {
      const hit = cache.get(authorization);
      if (hit !== undefined) observer.cacheHit();
      return hit;
    },
    set: (authorization, resolved) => cache.set(authorization, resolved),
  };
}

interface Snapshot {
  policy: AuthzPolicy;
  permissions: PermissionsDocument;
  loadedAt: number;
}

/**
 * Settings and permissions are read from the store once and then follow the change events of
 * this process. Another companion sharing the database changes them without an event here, so
 * a snapshot older than this is re-read in the background (the request does not wait for it).
 */
const SNAPSHOT_REFRESH_MS = 15_000;
const SNAPSHOT_MAX_AGE_MS = 60_000;
/** Failed attempts of one address range audited in full per minute; the rest are summarised. */
export const FAILED_AUDITS_PER_PREFIX = 10;
/**
 * The validation plane as the endpoints use it: the decision engine wired to the token store,
 * the site directory, the settings and permissions, plus the cache, throttle, last-used batching,
 * logging and audit around it. One per companion process.
 */
export class AuthzService {
  readonly throttle: Throttle;
  readonly cache: DecisionCache;
  readonly #deps: AuthzServiceDeps;
  readonly #lastUsed: LastUsedBatcher;
  readonly #ports: DecisionPorts;
  readonly #unsubscribe: Array<() => void> = [];
  readonly #audits: AuditBatcher;
  /** Summaries of throttled refusals (report() also runs every minute). */
  readonly throttledRefusals: RefusalSummaries;
  /** Failed attempts audited in full per address prefix and minute, the rest as one summary. */
  readonly failedAudits: RefusalSummaries;
  #snapshot: Snapshot | undefined;
  #loading: Promise<Snapshot> | undefined;
  /** How old the snapshot may get before it is re-read; shorter while flush() says so. */
  #refreshMs = SNAPSHOT_REFRESH_MS;
  readonly #authLogs = new WeakMap<Logger, AuthLog>();

  constructor(deps: AuthzServiceDeps) {
    this.#deps = deps;
    const { observer } = deps;
    this.throttle = new Throttle({
      onFull: (kind, maxKeys) =>
        deps.logger.warn(
          { event: 'throttle.full', kind, maxKeys },
          `more ${kind === 'address' ? 'addresses' : 'usernames'} fail token checks than the throttle counts at once; the least recent are forgotten`,
        ),
      ...deps.throttle,
      ...(observer ? { onBlocked: countingBlocks(observer, deps.throttle?.onBlocked) } : {}),
    });
    this.cache = new DecisionCache({ clock: deps.clock, ttlMs: deps.cacheTtlMs });
    const { timers } = deps;
    this.#audits = new AuditBatcher({
      write: (records) => deps.audit.recordMany(records),
      onDropped: observer && (() => observer.auditDropped()),
      logger: deps.logger,
      timers,
    });
    this.throttledRefusals = new RefusalSummaries({
      logger: deps.logger,
      clock: deps.clock,
      timers,
      event: 'auth.throttled',
      message: 'throttled token attempts refused',
      onSummary: (summary) => this.#auditThrottled(summary),
    });
    this.failedAudits = new RefusalSummaries({
      logger: deps.logger,
      clock: deps.clock,
      timers,
      event: 'audit.failures_summarised',
      message: 'failed authentications beyond the audited few of this address range',
      fullPerInterval: FAILED_AUDITS_PER_PREFIX,
      onSummary: (summary) => this.#auditFailures(summary),
    });
    this.#lastUsed = new LastUsedBatcher({
      record: (id, ip, at) => deps.tokens.recordUse(id, ip, at),
      logger: deps.logger,
      intervalMs: deps.lastUsedIntervalMs,
      timers,
    });
    this.#ports = {
      policy: () => (this.#snapshot as Snapshot).policy,
      verifyToken: (secret) => {
        observer?.cacheMiss();
        return answering(deps.logger, 'store-unavailable', () => deps.tokens.verify(secret));
      },
      lookupOwner: (token) =>
        answering(deps.logger, 'site-unavailable', () =>
          token.ownerKey === null
            ? deps.directory.lookupUser(token.owner)
            : deps.directory.lookupUserByKey(token.ownerKey),
        ),
      bindOwner: (token, owner) =>
        answering(deps.logger, 'store-unavailable', () =>
          deps.tokens.bindOwner(token.id, { username: owner.username, key: owner.key }),
        ),
      tokenPathAllowed: deps.tokenPathAllowed,
      siteCredential: (token, secret) => this.#siteCredential(token, secret),
      mayUseTokens: (user) => evaluatePermissions((this.#snapshot as Snapshot).permissions, user).useTokens,
      cache: observer ? observedCache(this.cache, observer) : this.cache,
      throttle: this.throttle,
      clock: deps.clock,
    };
    this.#unsubscribe.push(this.cache.subscribe(deps.events));
    const onSettings = ({ settings }: { settings: Settings }) => {
      if (this.#snapshot) this.#snapshot = { ...this.#snapshot, policy: compilePolicy(settings) };
    };
    const onPermissions = ({ permissions }: { permissions: PermissionsDocument }) => {
      if (this.#snapshot) this.#snapshot = { ...this.#snapshot, permissions };
    };
    deps.events.on('settings.changed', onSettings);
    deps.events.on('permissions.changed', onPermissions);
    this.#unsubscribe.push(() => {
      deps.events.off('settings.changed', onSettings);
      deps.events.off('permissions.changed', onPermissions);
    });
  }

  /**
   * The owner's site PAT for a token, opened with its secret, and the site's own answer to it:
   * one call proves the PAT still works, and says who the owner is, their key, groups and
   * whether they are active. A PAT the site no longer accepts is marked refused.
   */
  async #siteCredential(token: TokenFacts, secret: string): Promise<SiteCredentialAnswer> {
    const { siteCredentials, directory, logger } = this.#deps;
    const unsealed = await answering(logger, 'store-unavailable', () =>
      siteCredentials.unseal(token, secret),
    );
    if (typeof unsealed === 'string') return unsealed;
    const authorization = `Bearer ${unsealed.pat}`;
    const owner = await answering(logger, 'site-unavailable', () => directory.whoAmI({ authorization }));
    if (owner === null || owner.key !== unsealed.credential.ownerKey) {
      await siteCredentials
        .markRefused(unsealed.credential)
        .catch((err) => logger.error({ err }, 'could not mark a site credential refused'));
      return 'site-credential-refused';
    }
    // Background work the opened PAT makes possible; neither delays this request.
    const rotating = siteCredentials.rotateIfDue(owner, unsealed.credential, unsealed.pat);
    rotating?.catch((err) => logger.warn({ err }, 'could not rotate a site credential'));
    if (rotating === null) {
      siteCredentials
        .shareWithPending(owner, unsealed.credential, unsealed.pat)
        ?.catch((err) => logger.warn({ err }, 'could not seal a site credential for pending tokens'));
    }
    return { authorization, owner };
  }

  /**
   * Decides one REST request, logs and audits it, and notes the token's use. Never throws, and
   * answers without a promise when the engine could (server/authz/decision-engine.ts).
   * `requestId` goes into the log lines when the logger does not carry one already.
   */
  check(
    request: AuthzRequest,
    logger: Logger = this.#deps.logger,
    requestId?: string,
  ): Decision | Promise<Decision> {
    const started = this.#deps.observer ? performance.now() : 0;
    const snapshot = this.#fresh();
    if (snapshot === undefined) {
      return this.#current().then(
        (loaded) => this.#checkWith(loaded, request, logger, requestId, started),
        (err) => {
          // Only the settings read can fail here (the engine itself never throws): refuse every
          // credential (fail closed); a request without one is the site's business, as always.
          logger.error({ err }, 'validation failed: the settings cannot be read');
          const decision: Decision = carriesCredential(request)
            ? {
                decision: 'deny',
                status: 503,
                mode: null,
                user: null,
                reason: 'store-unavailable',
                clientIp: null,
              }
            : { decision: 'allow', status: 200, mode: 'session', user: null, reason: 'ok', clientIp: null };
          return this.#finish(request, decision, logger, false, requestId, started);
        },
      );
    }
    return this.#checkWith(snapshot, request, logger, requestId, started);
  }

  #checkWith(
    snapshot: Snapshot,
    request: AuthzRequest,
    logger: Logger,
    requestId: string | undefined,
    started: number,
  ): Decision | Promise<Decision> {
    const audit = snapshot.policy.auditAuthentications;
    const decided = decide(request, this.#ports);
    return decided instanceof Promise
      ? decided.then((decision) => this.#finish(request, decision, logger, audit, requestId, started))
      : this.#finish(request, decided, logger, audit, requestId, started);
  }

  /** What follows every decision: the token's last use, the log lines and the audit record. */
  #finish(
    request: AuthzRequest,
    decision: Decision,
    logger: Logger,
    audit: boolean,
    requestId: string | undefined,
    /** performance.now() when check() was called (0 without an observer). */
    started: number,
  ): Decision {
    this.#deps.observer?.decided(decision, (performance.now() - started) / 1000);
    if (decision.mode === 'token' && decision.token) {
      this.#lastUsed.note(decision.token.id, decision.clientIp, this.#deps.clock());
    }
    if (
      decision.mode !== 'session' &&
      decision.mode !== 'passthrough' &&
      this.#reportedInFull(decision, audit)
    ) {
      this.#report(request, decision, logger, audit, requestId);
    }
    return decision;
  }

  /** False for a throttled refusal that only counts towards its key's next summary. */
  #reportedInFull(decision: Decision, audit: boolean): boolean {
    if (decision.reason !== 'throttled' || decision.throttledBy === undefined) return true;
    const key =
      decision.throttledBy === 'address'
        ? (addressKeyOf(decision.clientIp) ?? 'unknown')
        : (decision.user ?? '').toLowerCase();
    return this.throttledRefusals.note(decision.throttledBy, key, audit);
  }

  /** One audit record for the failures of an address range beyond those audited in full. */
  #auditFailures({ key, refused, since, until, audit }: RefusalSummary): void {
    if (!audit) return;
    this.#audits.add({
      at: until,
      actor: 'anonymous',
      action: 'auth.failed',
      subjectUser: null,
      remoteIp: null,
      details: { reason: 'summary', prefix: key, refused, since: since.toISOString() },
    });
  }

  /** One audit record for the refusals a summary counts, when auditing was on for them. */
  #auditThrottled({ kind, key, refused, since, until, audit }: RefusalSummary): void {
    if (!audit) return;
    const named = key !== OTHER_KEYS && key !== 'unknown';
    this.#audits.add({
      at: until,
      actor: kind === 'user' && named ? key : 'anonymous',
      action: auditActionFor('throttled'),
      subjectUser: kind === 'user' && named ? key : null,
      remoteIp: kind === 'address' && named ? key : null,
      details: { reason: 'throttled', kind, key, refused, since: since.toISOString() },
    });
  }

  /** Writes pending last-used times and stops listening; the server's shutdown hook. */
  async close(): Promise<void> {
    for (const stop of this.#unsubscribe.splice(0)) stop();
    this.throttledRefusals.close();
    this.failedAudits.close();
    await this.#lastUsed.close();
    await this.settled();
  }

  /** Resolves once every audit record made so far is stored (they never delay a decision). */
  async settled(): Promise<void> {
    await this.#audits.flush();
  }

  /**
   * Drops every cached decision and the settings snapshot, and from now on keeps both at most
   * `maxAgeMs` (undefined: the usual lifetimes). For server/cluster: while the changes other
   * companions make cannot be heard, nothing cached may outlive a second.
   */
  flush(maxAgeMs?: number): void {
    this.cache.clear();
    this.cache.setTtlMs(maxAgeMs);
    this.#snapshot = undefined;
    this.#refreshMs = maxAgeMs ?? SNAPSHOT_REFRESH_MS;
  }

  /** Audit records waiting to be written (the metrics' queue depth). */
  get auditQueued(): number {
    return this.#audits.queued;
  }

  flushLastUsed(): Promise<void> {
    return this.#lastUsed.flush();
  }

  /** The snapshot when it needs no reload: the common case, answered without a promise. */
  #fresh(): Snapshot | undefined {
    const snapshot = this.#snapshot;
    return snapshot && this.#deps.clock().getTime() - snapshot.loadedAt <= this.#refreshMs
      ? snapshot
      : undefined;
  }

  /**
   * The snapshot to decide with: refreshed in the background once it is older than
   * SNAPSHOT_REFRESH_MS, and never used once older than SNAPSHOT_MAX_AGE_MS: settings that cannot
   * be read for that long (the database is down) refuse every credential rather than apply
   * rules that may have changed meanwhile.
   */
  async #current(): Promise<Snapshot> {
    const snapshot = this.#snapshot;
    if (snapshot === undefined) return this.#load();
    const age = this.#deps.clock().getTime() - snapshot.loadedAt;
    if (age > SNAPSHOT_MAX_AGE_MS) return this.#load();
    if (age > this.#refreshMs) {
      this.#load().catch((err) => this.#deps.logger.warn({ err }, 'could not refresh settings'));
    }
    return snapshot;
  }

  #load(): Promise<Snapshot> {
    this.#loading ??= (async () => {
      try {
        const [settings, permissions] = await Promise.all([
          this.#deps.settings.get(),
          this.#deps.permissions.get(),
        ]);
        const loaded = {
          policy: compilePolicy(settings),
          permissions,
          loadedAt: this.#deps.clock().getTime(),
        };
        this.#snapshot = loaded;
        return loaded;
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }

  /**
   * Refusals name users and paths the caller chose: a client spreading wrong attempts over fresh
   * addresses would write a full, permanent audit row for each. Each /24 (IPv6 /64) gets a few
   * full records a minute; the rest become one summary record. The log keeps every line.
   */
  #auditedInFull(decision: Decision): boolean {
    // Throttled refusals have their own summary per blocked key (throttledRefusals).
    if (decision.decision === 'allow' || decision.reason === 'throttled') return true;
    return this.failedAudits.note('prefix', prefixKeyOf(decision.clientIp), true);
  }

  /** The writer of the two authentication lines for this logger (server/authz/auth-log.ts). */
  #authLog(logger: Logger): AuthLog {
    let writer = this.#authLogs.get(logger);
    if (writer === undefined) {
      writer = authLogFor(logger);
      this.#authLogs.set(logger, writer);
    }
    return writer;
  }

  /** Two INFO lines per token or password authentication, and audit records when asked for. */
  #report(
    request: AuthzRequest,
    decision: Decision,
    logger: Logger,
    audit: boolean,
    reqId: string | undefined,
  ): void {
    this.#authLog(logger)(request, decision, reqId);
    if (!audit || !this.#auditedInFull(decision)) return;
    const user = decision.user;
    const path = loggablePath(request.path);
    this.#audits.add({
      at: this.#deps.clock(),
      actor: (user ?? 'anonymous').toLowerCase(),
      action: auditActionFor(decision.reason),
      subjectUser: user?.toLowerCase() ?? null,
      tokenId: decision.token?.id ?? null,
      tokenName: decision.token?.name ?? null,
      remoteIp: decision.clientIp,
      details: { mode: decision.mode, method: request.method, path, reason: decision.reason },
    });
  }
}
