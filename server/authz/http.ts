import type { Context } from 'koa';
import { authorizationValues } from './credentials.ts';
import type { AuthzRequest, Decision, Mode } from './decision-engine.ts';
import { denial, messageFor } from './reasons.ts';

export const MODE_HEADER = 'X-Api-Token-Auth-Mode';
export const REASON_HEADER = 'X-Api-Token-Auth-Reason';
export const EXPIRATION_HEADER = 'X-Api-Token-Expiration';
export const REALM = 'api-token-auth';

// Answered on every REST request: serialised once.
const ALLOW_BODIES: Record<Mode, string> = {
  session: JSON.stringify({ decision: 'allow', mode: 'session' }),
  token: JSON.stringify({ decision: 'allow', mode: 'token' }),
  password: JSON.stringify({ decision: 'allow', mode: 'password' }),
  passthrough: JSON.stringify({ decision: 'allow', mode: 'passthrough' }),
};

/** How one proxy protocol reads the answer. */
export interface Protocol {
  /** nginx `auth_request` turns anything but 2xx, 401 and 403 into a 500: map the rest to 403. */
  onlyAuthStatuses: boolean;
  /** Extra response headers on an allow, for proxies that copy headers back onto the request. */
  allowHeaders?(decision: Decision, ctx: Context): Record<string, string>;
}

/** The REST request a proxy asks about, from the check request the companion received. */
export function requestFromContext(ctx: Context, method: string, path: string): AuthzRequest {
  return {
    method,
    path,
    authorization: authorizationValues(ctx.req.rawHeaders),
    peer: ctx.req.socket.remoteAddress,
    headers: ctx.req.headers,
  };
}

// Printable ASCII without leading or trailing space: what any proxy passes on unchanged.
const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** An allow whose identity cannot be put in a header becomes a refusal (never a 500 from setHeader). */
export function headerSafe(decision: Decision): Decision {
  if (decision.decision !== 'allow' || decision.mode !== 'token' || HEADER_SAFE.test(decision.user ?? '')) {
    return decision;
  }
  const { token: _token, ...rest } = decision;
  return { ...rest, ...denial('username-not-representable') };
}

/** Writes a decision as a proxy expects it: exactly 200 to allow, the identity in a header. */
export function writeDecision(
  ctx: Context,
  decision: Decision,
  identityHeader: string,
  protocol: Protocol,
): void {
  if (decision.decision === 'allow') {
    ctx.status = 200;
    ctx.set(MODE_HEADER, decision.mode ?? 'session');
    if (decision.mode === 'token' && decision.user !== null) {
      ctx.set(identityHeader, decision.user);
      ctx.set(EXPIRATION_HEADER, decision.token?.expiresAt?.toISOString() ?? 'never');
    }
    if (protocol.allowHeaders) ctx.set(protocol.allowHeaders(decision, ctx));
    ctx.type = 'application/json';
    ctx.body = ALLOW_BODIES[decision.mode ?? 'session'];
    return;
  }
  const status = protocol.onlyAuthStatuses && decision.status !== 401 ? 403 : decision.status;
  ctx.status = status;
  ctx.set(REASON_HEADER, decision.reason);
  if (status === 401) ctx.set('WWW-Authenticate', `Basic realm="${REALM}", charset="UTF-8"`);
  if (status === 429 && decision.retryAfterSeconds)
    ctx.set('Retry-After', String(decision.retryAfterSeconds));
  ctx.body = { error: { code: decision.reason, message: messageFor(decision.reason) } };
}
