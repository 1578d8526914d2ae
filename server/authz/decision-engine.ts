import type { HeaderBag } from './client-ip.ts';
import { type Credential, parseAuthorization } from './credentials.ts';
import type { AuthzPolicy } from './policy.ts';
import { type DenyReason, denial, type Reason } from './reasons.ts';

/** One REST request as any of the endpoints sees it. */
export interface AuthzRequest {
  method: string;
  /** The REST path as the client asked for it (query string included or not). */
  path: string;
  /** Every Authorization value the request carried. */
  authorization: readonly string[];
  /** The TCP peer of whoever asked us (the proxy), or the remote address a plugin reports. */
  peer: string | undefined;
  headers: HeaderBag;
}

export type Mode = 'session' | 'token' | 'password' | 'passthrough';
export type Scope = 'read-only' | 'read-write';

/** What the engine needs to know about a token; the store's TokenRecord satisfies it. */
export interface TokenFacts {
  id: string;
  name: string;
  owner: string;
  scope: Scope;
  ipAllowlist: readonly string[];
  expiresAt: Date | null;
}

export interface SiteUser {
  username: string;
  active: boolean;
  groups: readonly string[];
  isAdmin: boolean;
}

/** A token proven valid with an active owner who may use tokens: the only thing worth caching. */
export interface ResolvedToken {
  token: TokenFacts;
  user: SiteUser;
}

export interface Decision {
  decision: 'allow' | 'deny';
  status: 200 | 401 | 403 | 429 | 503;
  mode: Mode | null;
  /** Allowed token: the owner as the site spells it. Otherwise the name the caller claimed, if any. */
  user: string | null;
  reason: Reason;
  clientIp: string | null;
  token?: { id: string; name: string; expiresAt: Date | null; scope: Scope };
  retryAfterSeconds?: number;
}

export interface DecisionPorts {
  /** The current settings, compiled; swapped when they change. */
  policy(): AuthzPolicy;
  /** The token if it exists and has not expired, else null. May throw when the store is down. */
  verifyToken(secret: string): Promise<TokenFacts | null>;
  /** The user as the site knows them, read with the service credential. Throws when the site is down. */
  lookupUser(username: string): Promise<SiteUser | null>;
  mayUseTokens(user: SiteUser): boolean;
  /** Positive results only, so a hit skips the store and the site. */
  cache: {
    get(secret: string): ResolvedToken | undefined;
    set(secret: string, resolved: ResolvedToken): void;
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
      return credential.reason === 'bad-token-checksum' ? 'token' : null;
  }
}

const claimedUser = (credential: Credential): string | null =>
  credential.kind === 'basic-token' || credential.kind === 'basic-password' ? credential.username : null;

const sameUser = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

type TokenCredential = Extract<Credential, { kind: 'basic-token' | 'bearer-token' }>;

/** The expensive part of a token decision (store and site), cached when it comes out positive. */
async function resolveToken(
  credential: TokenCredential,
  ports: DecisionPorts,
): Promise<ResolvedToken | 'invalid-token' | 'token-user-mismatch' | 'user-inactive' | 'permission-denied'> {
  const token = await ports.verifyToken(credential.secret);
  if (token === null) return 'invalid-token';
  // Checked before asking the site, so a stranger's guesses never cost a directory call.
  if (credential.kind === 'basic-token' && !sameUser(credential.username, token.owner)) {
    return 'token-user-mismatch';
  }
  const user = await ports.lookupUser(token.owner);
  if (user === null || !user.active) return 'user-inactive';
  if (!ports.mayUseTokens(user)) return 'permission-denied';
  const resolved = { token, user };
  ports.cache.set(credential.secret, resolved);
  return resolved;
}

/** What a refusal carries besides its reason: the same for every refusal of one request. */
interface Refusing {
  mode: Mode | null;
  claimed: string | null;
  clientIp: string | null;
}

// Module functions rather than closures inside decide(): nothing is allocated per request for them.
function refuse(at: Refusing, reason: DenyReason, user = at.claimed): Decision {
  return { ...denial(reason), mode: at.mode, user, clientIp: at.clientIp };
}

const throttled = (at: Refusing, wait: number): Decision => ({
  ...refuse(at, 'throttled'),
  retryAfterSeconds: wait,
});

// A wrong token under a throttled name is answered "throttled"; the owner's own valid token
// still works, so guessing at someone's name cannot lock them out.
async function failed(at: Refusing, reason: DenyReason, ports: DecisionPorts): Promise<Decision> {
  await ports.throttle.recordFailure(at.clientIp, at.claimed);
  const wait = at.claimed === null ? 0 : ports.throttle.userBlockedFor(at.claimed);
  return wait > 0 ? throttled(at, wait) : refuse(at, reason);
}

/**
 * Decides one REST request. Pure apart from its ports: no HTTP, no logging. Every rule of the
 * validation plane is here, so every endpoint (nginx, Traefik/Caddy, Envoy, plugin) agrees.
 */
export async function decide(request: AuthzRequest, ports: DecisionPorts): Promise<Decision> {
  const credential = parseAuthorization(request.authorization);
  const mode = modeOf(credential);
  const claimed = claimedUser(credential);
  if (credential.kind === 'none') {
    return { decision: 'allow', status: 200, mode, user: null, reason: 'ok', clientIp: null };
  }
  const policy = ports.policy();
  const clientIp = policy.clientIp(request.peer, request.headers);
  const at: Refusing = { mode, claimed, clientIp };

  // The global allowlist guards every request that carries a credential, whatever kind.
  if (!policy.addressAllowed(clientIp))
    return refuse(at, clientIp === null ? 'client-ip-unknown' : 'ip-not-allowed');

  const isTokenAttempt =
    credential.kind === 'basic-token' ||
    credential.kind === 'bearer-token' ||
    (credential.kind === 'malformed' && credential.reason === 'bad-token-checksum');
  if (isTokenAttempt) {
    const wait = ports.throttle.addressBlockedFor(clientIp);
    if (wait > 0) return throttled(at, wait);
  }

  switch (credential.kind) {
    case 'malformed':
      return isTokenAttempt ? failed(at, credential.reason, ports) : refuse(at, credential.reason);
    case 'basic-password':
      return policy.passwordBasicAuth
        ? { decision: 'allow', status: 200, mode, user: claimed, reason: 'ok', clientIp }
        : refuse(at, 'password-auth-disabled');
    case 'bearer-other':
    case 'other-scheme':
      return { decision: 'allow', status: 200, mode, user: null, reason: 'ok', clientIp };
    case 'basic-token':
    case 'bearer-token':
      break;
  }

  let resolved: Awaited<ReturnType<typeof resolveToken>>;
  try {
    resolved = ports.cache.get(credential.secret) ?? (await resolveToken(credential, ports));
  } catch (err) {
    // The store or the site could not answer: refuse (fail closed), never crash.
    return refuse(at, err instanceof UnavailableError ? err.reason : 'store-unavailable');
  }
  if (typeof resolved === 'string') {
    return resolved === 'invalid-token' || resolved === 'token-user-mismatch'
      ? failed(at, resolved, ports)
      : refuse(at, resolved);
  }
  const { token, user } = resolved;
  // A cached entry may outlive the token's expiry by a few seconds: check the time here.
  if (token.expiresAt !== null && token.expiresAt.getTime() <= ports.clock().getTime()) {
    return failed(at, 'invalid-token', ports);
  }
  if (credential.kind === 'basic-token' && !sameUser(credential.username, token.owner)) {
    return failed(at, 'token-user-mismatch', ports);
  }
  if (token.ipAllowlist.length > 0 && !policy.tokenAddressAllowed(token.ipAllowlist, clientIp)) {
    return refuse(at, 'token-ip-not-allowed', user.username);
  }
  const scope: Scope = policy.forceReadOnlyScope ? 'read-only' : token.scope;
  if (scope === 'read-only' && !READ_METHODS.has(request.method.toUpperCase())) {
    return refuse(at, 'scope-read-only', user.username);
  }
  return {
    decision: 'allow',
    status: 200,
    mode,
    user: user.username,
    reason: 'ok',
    clientIp,
    token: { id: token.id, name: token.name, expiresAt: token.expiresAt, scope },
  };
}
