import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import { authorizationValues } from './credentials.ts';
import type { AuthzRequest, Decision, Mode } from './decision-engine.ts';
import { type DenyReason, denial, messageFor } from './reasons.ts';

export const MODE_HEADER = 'X-Api-Token-Auth-Mode';
export const REASON_HEADER = 'X-Api-Token-Auth-Reason';
export const EXPIRATION_HEADER = 'X-Api-Token-Expiration';
export const REQUEST_ID_HEADER = 'X-Request-Id';
export const REALM = 'api-token-auth';

/** The security headers every companion answer carries (server/app.ts sets them on Koa's). */
export const SECURITY_HEADERS = [
  'X-Content-Type-Options',
  'nosniff',
  'Referrer-Policy',
  'no-referrer',
  'Cache-Control',
  'no-store',
] as const;

interface Body {
  bytes: Buffer;
  length: string;
}

const jsonBody = (value: unknown): Body => {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, length: String(bytes.length) };
};

// Answered on every REST request of the site: serialised once.
const ALLOW_BODIES: Record<Mode, Body> = {
  session: jsonBody({ decision: 'allow', mode: 'session' }),
  token: jsonBody({ decision: 'allow', mode: 'token' }),
  password: jsonBody({ decision: 'allow', mode: 'password' }),
  passthrough: jsonBody({ decision: 'allow', mode: 'passthrough' }),
};
const DENY_BODIES = new Map<DenyReason, Body>();
const denyBody = (reason: DenyReason): Body => {
  let body = DENY_BODIES.get(reason);
  if (body === undefined) {
    body = jsonBody({ error: { code: reason, message: messageFor(reason) } });
    DENY_BODIES.set(reason, body);
  }
  return body;
};
const WWW_AUTHENTICATE = `Basic realm="${REALM}", charset="UTF-8"`;
const JSON_TYPE = 'application/json; charset=utf-8';

/** How one proxy protocol reads the answer. */
export interface Protocol {
  /** nginx `auth_request` turns anything but 2xx, 401 and 403 into a 500: map the rest to 403. */
  onlyAuthStatuses: boolean;
  /** Extra response headers on an allow (name, value, name, value…), for proxies that copy them. */
  allowHeaders?(decision: Decision, req: IncomingMessage): readonly string[];
}

/** The REST request a proxy asks about, from the check request the companion received. */
export function requestFrom(req: IncomingMessage, method: string, path: string): AuthzRequest {
  return {
    method,
    path,
    authorization: authorizationValues(req.rawHeaders),
    peer: req.socket.remoteAddress,
    headers: req.headers,
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

/**
 * Writes a decision as a proxy expects it: exactly 200 to allow, the identity in a header; a
 * refusal with its reason header and a short JSON body. One writeHead with a flat header list
 * and a prebuilt body: this runs on every REST request of the site.
 */
export function writeDecision(
  res: ServerResponse,
  req: IncomingMessage,
  decision: Decision,
  identityHeader: string,
  protocol: Protocol,
  requestId: string,
): void {
  const headers: OutgoingHttpHeader[] = [...SECURITY_HEADERS, REQUEST_ID_HEADER, requestId];
  let status: number;
  let body: Body;
  if (decision.decision === 'allow') {
    const mode = decision.mode ?? 'session';
    status = 200;
    body = ALLOW_BODIES[mode];
    headers.push(MODE_HEADER, mode);
    if (mode === 'token' && decision.user !== null) {
      headers.push(identityHeader, decision.user);
      headers.push(EXPIRATION_HEADER, decision.token?.expiresAt?.toISOString() ?? 'never');
    }
    if (protocol.allowHeaders) headers.push(...protocol.allowHeaders(decision, req));
  } else {
    status = protocol.onlyAuthStatuses && decision.status !== 401 ? 403 : decision.status;
    body = denyBody(decision.reason as DenyReason);
    headers.push(REASON_HEADER, decision.reason);
    if (status === 401) headers.push('WWW-Authenticate', WWW_AUTHENTICATE);
    if (status === 429 && decision.retryAfterSeconds)
      headers.push('Retry-After', String(decision.retryAfterSeconds));
  }
  headers.push('Content-Type', JSON_TYPE, 'Content-Length', body.length);
  res.writeHead(status, headers as string[]);
  res.end(body.bytes);
}
