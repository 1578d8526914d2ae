import type { DecisionMode, Scope } from '../../shared/api.ts';
import type { HeaderSource } from './client-ip.ts';
import {
  type Credential,
  isTokenAttempt,
  MAX_AUTHORIZATION_LENGTH,
  parseAuthorization,
  queryCredential,
} from './credentials.ts';
import type { AuthzPolicy } from './policy.ts';
import { type DenyReason, type Reason, statusFor } from './reasons.ts';

/** One REST request as any of the endpoints sees it. */
export interface AuthzRequest {
  method: string;
  /** The REST path as the client asked for it (query string included or not). */
  path: string;
  /** Every Authorization value the request carried. */
  authorization: readonly string[];
  /** The TCP peer of whoever asked us (the proxy), or the remote address a plugin reports. */
  peer: string | undefined;
  /** Request headers: the client-IP header and the method-override headers are read from it. */
  headers: HeaderSource;
  /**
   * Who is asking: a proxy or plugin about a request for the site (the default), or the
   * companion's own management API about a request to it. Only site requests have path rules
   * and query credentials.
   */
  plane?: 'site' | 'companion';
}

export type Mode = DecisionMode;

/** What the engine needs to know about a token; the store's TokenRecord satisfies it. */
export interface TokenFacts {
  id: string;
  name: string;
  owner: string;
  scope: Scope;
  ipAllowlist: readonly string[];
  expiresAt: Date | null;
  /** The site's immutable key of the owner; null for a token not yet bound (older rows). */
  ownerKey: string | null;
}

export interface SiteUser {
  username: string;
  /** The site's immutable user key (Jira `key`, Confluence `userKey`). */
  key: string;
  active: boolean;
  groups: readonly string[];
  isAdmin: boolean;
}

/** A token proven valid with an active owner who may use tokens: the only thing worth caching. */
export interface ResolvedToken {
  token: TokenFacts;
  user: SiteUser;
  /** The user name a Basic credential gave with the token (it matched the owner); null for Bearer. */
  claimed: string | null;
  /** What the site gets in site-token mode (`Bearer <owner's site PAT>`); null when resolved without. */
  siteAuthorization: string | null;
}

/** The owner's site PAT, opened with the token's secret and proven by the site itself. */
export type SiteCredentialAnswer =
  | { authorization: string; owner: SiteUser }
  | 'site-credential-pending'
  | 'site-credential-refused';

export interface Decision {
  decision: 'allow' | 'deny';
  status: 200 | 401 | 403 | 429 | 503;
  mode: Mode | null;
  /** Allowed token: the owner as the site spells it. Otherwise the name the caller claimed, if any. */
  user: string | null;
  reason: Reason;
  clientIp: string | null;
  token?: {
    id: string;
    name: string;
    expiresAt: Date | null;
    /** The scope in force: the token's, or read-only when the settings force it. */
    scope: Scope;
    ipAllowlist: readonly string[];
  };
  /** An allowed token's owner, as the site knows them. */
  owner?: SiteUser;
  /** Site-token mode: the Authorization the site receives. Only ever given to the proxy. */
  siteAuthorization?: string;
  retryAfterSeconds?: number;
  /** With reason `throttled`: whether the client address or the claimed name is blocked. */
  throttledBy?: 'address' | 'user';
}

export interface DecisionPorts {
  /** The current settings, compiled; swapped when they change. */
  policy(): AuthzPolicy;
  /** The token if it exists and has not expired, else null. May throw when the store is down. */
  verifyToken(secret: string): Promise<TokenFacts | null>;
  /**
   * The token's owner as the site knows them, read with the service credential: by the owner's
   * user key when the token has one, else by name. Throws when the site is down.
   */
  lookupOwner(token: TokenFacts): Promise<SiteUser | null>;
  /** Stores the owner's key on a token that has none, and the owner's new name after a rename. */
  bindOwner(token: TokenFacts, owner: SiteUser): Promise<void>;
  /** Whether a token may be used on this site path (server/authz/paths.ts). */
  tokenPathAllowed(target: string): boolean;
  /**
   * Site-token mode: the owner's site PAT for this token, unsealed with its secret and checked
   * with the site (its answer is the owner; a PAT it does not answer for is refused). Throws
   * UnavailableError when the store or the site cannot answer.
   */
  siteCredential(token: TokenFacts, secret: string): Promise<SiteCredentialAnswer>;
  mayUseTokens(user: SiteUser): boolean;
  /**
   * Positive results only, under the request's Authorization value, so a hit skips parsing the
   * credential as well as the store and the site.
   */
  cache: {
    get(authorization: string): ResolvedToken | undefined;
    set(authorization: string, resolved: ResolvedToken): void;
  };
  throttle: {
    /** Seconds the address must wait before trying tokens again, else 0. */
    addressBlockedFor(clientIp: string | null): number;
    /** Seconds during which wrong tokens for this name are answered as throttled, else 0. */
    userBlockedFor(username: string): number;
    recordFailure(clientIp: string | null, username: string | null): Promise<void>;
  };
  clock(): Date;
}

/** Thrown by a port whose backend cannot answer; the request is refused with this reason. */
export class UnavailableError extends Error {
  constructor(
    readonly reason: 'site-unavailable' | 'store-unavailable',
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'UnavailableError';
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function modeOf(credential: Credential): Mode | null {
  switch (credential.kind) {
    case 'none':
      return 'session';
    case 'basic-token':
    case 'bearer-token':
      return 'token';
    case 'basic-password':
      return 'password';
    case 'bearer-other':
    case 'other-scheme':
      return 'passthrough';
    case 'malformed':
      return isTokenAttempt(credential) ? 'token' : null;
  }
}

const claimedUser = (credential: Credential): string | null =>
  credential.kind === 'basic-token' || credential.kind === 'basic-password'
    ? credential.username || null
    : null;

// Headers that make a framework treat a GET or POST as another method.
const METHOD_OVERRIDES = ['x-http-method-override', 'x-method-override'];

function hasMethodOverride(headers: HeaderSource): boolean {
  const read = typeof headers === 'function' ? headers : (name: string) => headers[name];
  return METHOD_OVERRIDES.some((name) => read(name) !== undefined);
}

const sameUser = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

type TokenCredential = Extract<Credential, { kind: 'basic-token' | 'bearer-token' }>;

/**
 * The expensive part of a token decision (store and site), cached when it comes out positive.
 * The owner is found by the immutable user key the token is bound to, so a renamed user keeps
 * their tokens and a new user with an old name never inherits them; a token not yet bound is
 * bound to the owner found by name at its first successful check.
 */
async function resolveToken(
  credential: TokenCredential,
  authorization: string,
  ports: DecisionPorts,
  withSiteCredential: boolean,
): Promise<ResolvedToken | ResolveRefusal> {
  const token = await ports.verifyToken(credential.secret);
  if (token === null) return 'invalid-token';
  const claimed = credential.kind === 'basic-token' ? credential.username : null;
  // An unbound token is found by name: a wrong name is refused before the site is asked.
  if (token.ownerKey === null && claimed !== null && !sameUser(claimed, token.owner)) {
    return 'token-user-mismatch';
  }
  let siteAuthorization: string | null = null;
  let user: SiteUser | null;
  if (withSiteCredential) {
    const answer = await ports.siteCredential(token, credential.secret);
    if (typeof answer === 'string') return answer;
    siteAuthorization = answer.authorization;
    // The site's own answer to the PAT proves the owner, their key, groups and active flag.
    user = answer.owner;
  } else {
    user = await ports.lookupOwner(token);
  }
  if (user === null || !user.active) return 'user-inactive';
  if (token.ownerKey !== null && user.key !== token.ownerKey) return 'user-inactive';
  if (claimed !== null && !sameUser(claimed, user.username)) return 'token-user-mismatch';
  if (!ports.mayUseTokens(user)) return 'permission-denied';
  if (token.ownerKey === null || !sameUser(token.owner, user.username)) await ports.bindOwner(token, user);
  const resolved: ResolvedToken = { token, user, claimed, siteAuthorization };
  ports.cache.set(authorization, resolved);
  return resolved;
}

type ResolveRefusal =
  | 'invalid-token'
  | 'token-user-mismatch'
  | 'user-inactive'
  | 'permission-denied'
  | 'site-credential-pending'
  | 'site-credential-refused';

/** What a refusal carries besides its reason: the same for every refusal of one request. */
interface Refusing {
  mode: Mode | null;
  claimed: string | null;
  clientIp: string | null;
}

// Module functions rather than closures inside decide(): nothing is allocated per request for them.
// Object literals rather than spreads: a blocked client's flood is refused here thousands of
// times a second, and spreading the reason's fields into a new object was its costliest step.
function refuse(at: Refusing, reason: DenyReason, user = at.claimed): Decision {
  return { decision: 'deny', status: statusFor(reason), mode: at.mode, user, reason, clientIp: at.clientIp };
}

const throttled = (at: Refusing, wait: number, by: 'address' | 'user'): Decision => ({
  decision: 'deny',
  status: statusFor('throttled'),
  mode: at.mode,
  user: at.claimed,
  reason: 'throttled',
  clientIp: at.clientIp,
  retryAfterSeconds: wait,
  throttledBy: by,
});

// A wrong token under a throttled name is answered "throttled"; the owner's own valid token
// still works, so guessing at someone's name cannot lock them out.
async function failed(at: Refusing, reason: DenyReason, ports: DecisionPorts): Promise<Decision> {
  await ports.throttle.recordFailure(at.clientIp, at.claimed);
  const wait = at.claimed === null ? 0 : ports.throttle.userBlockedFor(at.claimed);
  return wait > 0 ? throttled(at, wait, 'user') : refuse(at, reason);
}

/** The checks on a token known to be valid, with an active owner allowed to use tokens. */
function allowResolved(
  request: AuthzRequest,
  ports: DecisionPorts,
  policy: AuthzPolicy,
  at: Refusing,
  resolved: ResolvedToken,
): Decision | Promise<Decision> {
  const { token, user } = resolved;
  // A cached entry may outlive the token's expiry by a few seconds: check the time here.
  if (token.expiresAt !== null && token.expiresAt.getTime() <= ports.clock().getTime()) {
    return failed(at, 'invalid-token', ports);
  }
  if (at.claimed !== null && !sameUser(at.claimed, user.username)) {
    return failed(at, 'token-user-mismatch', ports);
  }
  if (token.ipAllowlist.length > 0 && !policy.tokenAddressAllowed(token.ipAllowlist, at.clientIp)) {
    return refuse(at, 'token-ip-not-allowed', user.username);
  }
  const scope: Scope = policy.forceReadOnlyScope ? 'read-only' : token.scope;
  if (
    scope === 'read-only' &&
    (!READ_METHODS.has(request.method.toUpperCase()) || hasMethodOverride(request.headers))
  ) {
    return refuse(at, 'scope-read-only', user.username);
  }
  const allowed: Decision = {
    decision: 'allow',
    status: 200,
    mode: at.mode,
    user: user.username,
    reason: 'ok',
    clientIp: at.clientIp,
    token: {
      id: token.id,
      name: token.name,
      expiresAt: token.expiresAt,
      scope,
      ipAllowlist: token.ipAllowlist,
    },
    owner: user,
  };
  // Set, not spread: this is the path of every cached token request.
  if (resolved.siteAuthorization !== null) allowed.siteAuthorization = resolved.siteAuthorization;
  return allowed;
}

/** A token not in the cache: ask the store and the site, then decide as for a cached one. */
async function resolveAndDecide(
  request: AuthzRequest,
  ports: DecisionPorts,
  policy: AuthzPolicy,
  credential: TokenCredential,
  at: Refusing,
): Promise<Decision> {
  let resolved: Awaited<ReturnType<typeof resolveToken>>;
  const withSiteCredential = policy.siteTokens && request.plane !== 'companion';
  try {
    resolved = await resolveToken(credential, request.authorization[0] as string, ports, withSiteCredential);
  } catch (err) {
    // The store or the site could not answer: refuse (fail closed), never crash.
    return refuse(at, err instanceof UnavailableError ? err.reason : 'store-unavailable');
  }
  if (typeof resolved === 'string') {
    return resolved === 'invalid-token' || resolved === 'token-user-mismatch'
      ? failed(at, resolved, ports)
      : refuse(at, resolved);
  }
  return allowResolved(request, ports, policy, at, resolved);
}

/**
 * What every request with a credential passes first: the global allowlist (whatever the kind of
 * credential), then, for a token attempt, the per-address throttle and, on the site, the paths
 * tokens may be used on (before the store is asked: a token is no key to web pages, valid or
 * not). Undefined: go on.
 */
function screen(
  request: AuthzRequest,
  policy: AuthzPolicy,
  ports: DecisionPorts,
  at: Refusing,
  tokenAttempt: boolean,
) {
  if (!policy.addressAllowed(at.clientIp))
    return refuse(at, at.clientIp === null ? 'client-ip-unknown' : 'ip-not-allowed');
  if (!tokenAttempt) return undefined;
  const wait = ports.throttle.addressBlockedFor(at.clientIp);
  if (wait > 0) return throttled(at, wait, 'address');
  return request.plane === 'companion' || ports.tokenPathAllowed(request.path)
    ? undefined
    : refuse(at, 'path-not-allowed');
}

/** A token resolved for the management API alone carries no site PAT: on the site it is resolved again. */
const servesSite = (known: ResolvedToken, policy: AuthzPolicy) =>
  !policy.siteTokens || known.siteAuthorization !== null;

/** A positive result for exactly this Authorization value, if one is cached. */
function cachedToken(authorization: readonly string[], ports: DecisionPorts): ResolvedToken | undefined {
  const value = authorization.length === 1 ? authorization[0] : undefined;
  return value === undefined || value.length > MAX_AUTHORIZATION_LENGTH ? undefined : ports.cache.get(value);
}

/**
 * Decides one REST request. Pure apart from its ports: no HTTP, no logging. Every rule of the
 * validation plane is here, so every endpoint (nginx, Traefik/Caddy, Envoy, plugin) agrees.
 * What needs no store, site or throttle write (no credential, a password, a cached token) is
 * decided synchronously: that is nearly every request of a busy site, and a promise per request
 * was a measurable share of its cost. Never throws.
 */
export function decide(request: AuthzRequest, ports: DecisionPorts): Decision | Promise<Decision> {
  const onSite = request.plane !== 'companion';
  // A token seen valid moments ago: only the per-request rules are left to check.
  const known = cachedToken(request.authorization, ports);
  if (known !== undefined) {
    const policy = ports.policy();
    if (!onSite || (queryCredential(request.path) === null && servesSite(known, policy))) {
      const clientIp = policy.clientIp(request.peer, request.headers);
      const at: Refusing = { mode: 'token', claimed: known.claimed, clientIp };
      return screen(request, policy, ports, at, true) ?? allowResolved(request, ports, policy, at, known);
    }
  }

  const credential = credentialOf(request, onSite);
  if (credential.kind === 'none') {
    const clientIp = onSite ? null : ports.policy().clientIp(request.peer, request.headers);
    return { decision: 'allow', status: 200, mode: 'session', user: null, reason: 'ok', clientIp };
  }
  const policy = ports.policy();
  const mode = modeOf(credential);
  const claimed = claimedUser(credential);
  const clientIp = policy.clientIp(request.peer, request.headers);
  const at: Refusing = { mode, claimed, clientIp };
  const tokenAttempt = isTokenAttempt(credential);
  const screened = screen(request, policy, ports, at, tokenAttempt);
  if (screened !== undefined) return screened;

  switch (credential.kind) {
    case 'malformed':
      return tokenAttempt ? failed(at, credential.reason, ports) : refuse(at, credential.reason);
    case 'basic-password':
      return policy.passwordBasicAuth
        ? { decision: 'allow', status: 200, mode, user: claimed, reason: 'ok', clientIp }
        : refuse(at, 'password-auth-disabled');
    case 'bearer-other':
    case 'other-scheme':
      return { decision: 'allow', status: 200, mode, user: null, reason: 'ok', clientIp };
    case 'basic-token':
    case 'bearer-token':
      return resolveAndDecide(request, ports, policy, credential, at);
  }
}

/** Whether the request carries any credential (header or, on the site, query) to be checked. */
export function carriesCredential(request: AuthzRequest): boolean {
  return credentialOf(request, request.plane !== 'companion').kind !== 'none';
}

/**
 * The request's one credential: its Authorization header, or, on the site, the login parameters
 * of its query (Seraph's `os_username`/`os_password`), checked like password Basic. Both at
 * once are refused: the site would pick one, and not necessarily the one checked here.
 */
function credentialOf(request: AuthzRequest, onSite: boolean): Credential {
  const header = parseAuthorization(request.authorization);
  const query = onSite ? queryCredential(request.path) : null;
  if (query === null) return header;
  return header.kind === 'none' ? query : { kind: 'malformed', reason: 'mixed-credentials' };
}
