import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { AuthzRequest, Decision } from './decision-engine.ts';
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

/** A deny body as a string, so Node writes it in one piece with the header block. */
interface Body {
  text: string;
  length: string;
}

const DENY_BODIES = new Map<DenyReason, Body>();
const denyBody = (reason: DenyReason): Body => {
  let body = DENY_BODIES.get(reason);
  if (body === undefined) {
    const text = JSON.stringify({ error: { code: reason, message: messageFor(reason) } });
    body = { text, length: String(Buffer.byteLength(text)) };
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
  /**
   * Whether a refusal carries the short JSON body (Traefik and Envoy show it to the client).
   * nginx shows a page of its own, never this body, and drops its upstream connection when a
   * refusal has one: measured, a flood of wrong tokens left a TIME-WAIT socket per request.
   */
  refusalBody: boolean;
  /** Extra response headers on an allow (name, value, name, value…), for proxies that copy them. */
  allowHeaders?(decision: Decision, headers: CheckHeaders): readonly string[];
}

/** The request headers the proxy endpoints read, found in one pass over the raw list. */
export interface CheckHeaders {
  /** Every Authorization value, duplicates included (`req.headers` would keep one). */
  authorization: string[];
  /** nginx auth_request. */
  originalMethod: string;
  originalUri: string;
  /** Traefik forwardAuth, Caddy forward_auth. */
  forwardedMethod: string;
  forwardedUri: string;
  requestId: string;
}

/**
 * Reads the check headers from `req.rawHeaders` rather than `req.headers`: building Node's header
 * object (lower-casing and classifying every name) cost a fifth of answering a proxy. Names are
 * compared by length first, so most are never lower-cased. Of a repeated single-value header the
 * first counts, as in `req.headers`.
 */
export function checkHeaders(raw: readonly string[]): CheckHeaders {
  const found: CheckHeaders = {
    authorization: [],
    originalMethod: '',
    originalUri: '',
    forwardedMethod: '',
    forwardedUri: '',
    requestId: '',
  };
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    switch (name.length) {
      case 13:
        if (name.toLowerCase() === 'authorization') found.authorization.push(value);
        break;
      case 17:
        if (found.originalMethod === '' && name.toLowerCase() === 'x-original-method')
          found.originalMethod = value;
        break;
      case 14:
        if (found.originalUri === '' && name.toLowerCase() === 'x-original-uri') found.originalUri = value;
        break;
      case 18:
        if (found.forwardedMethod === '' && name.toLowerCase() === 'x-forwarded-method')
          found.forwardedMethod = value;
        break;
      case 15:
        if (found.forwardedUri === '' && name.toLowerCase() === 'x-forwarded-uri') found.forwardedUri = value;
        break;
      case 12:
        if (found.requestId === '' && name.toLowerCase() === 'x-request-id') found.requestId = value;
        break;
    }
  }
  return found;
}

/** A header by lower-cased name from the raw list; repeated ones as a list, like `req.headers`. */
export function rawHeaderLookup(raw: readonly string[]): (name: string) => string | string[] | undefined {
  return (wanted) => {
    let values: string[] | undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i] as string;
      if (name.length !== wanted.length || name.toLowerCase() !== wanted) continue;
      values ??= [];
      values.push(raw[i + 1] as string);
    }
    return values === undefined ? undefined : values.length === 1 ? values[0] : values;
  };
}

/** The REST request a proxy asks about, from the check request the companion received. */
export function requestFrom(
  req: IncomingMessage,
  headers: CheckHeaders,
  method: string,
  path: string,
): AuthzRequest {
  return {
    method,
    path,
    authorization: headers.authorization,
    peer: req.socket.remoteAddress,
    headers: rawHeaderLookup(req.rawHeaders),
  };
}

// Printable ASCII without leading or trailing space: what any proxy passes on unchanged.
const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** An allow whose identity cannot be put in a header becomes a refusal (never a 500 from setHeader). */
export function headerSafe(decision: Decision): Decision {
  if (
    decision.decision !== 'allow' ||
    decision.mode !== 'token' ||
    decision.siteAuthorization !== undefined ||
    HEADER_SAFE.test(decision.user ?? '')
  ) {
    return decision;
  }
  const { token: _token, owner: _owner, siteAuthorization: _site, ...rest } = decision;
  return { ...rest, ...denial('username-not-representable') };
}

/**
 * Writes a decision as a proxy expects it: exactly 200 to allow, the identity in a header; a
 * refusal with its reason header and a short JSON body. This runs on every REST request of the
 * site, so an allow carries only what a proxy reads (no proxy passes an allow's body or other
 * headers to anyone) and goes out in one write; a refusal, which Traefik and Envoy show the
 * client, also carries the security headers and the JSON body.
 */
export function writeDecision(
  res: ServerResponse,
  headers: CheckHeaders,
  decision: Decision,
  identityHeader: string,
  protocol: Protocol,
  requestId: string,
): void {
  if (decision.decision === 'allow') {
    const mode = decision.mode ?? 'session';
    const allow: OutgoingHttpHeader[] = [REQUEST_ID_HEADER, requestId, MODE_HEADER, mode];
    if (mode === 'token' && decision.user !== null) {
      // What the site receives: the owner's own site PAT (site-token mode), or their name in the
      // identity header for a site with a header authenticator (identity-header mode).
      if (decision.siteAuthorization !== undefined) allow.push('Authorization', decision.siteAuthorization);
      else allow.push(identityHeader, decision.user);
      allow.push(EXPIRATION_HEADER, decision.token?.expiresAt?.toISOString() ?? 'never');
    }
    if (protocol.allowHeaders) allow.push(...protocol.allowHeaders(decision, headers));
    // An explicit length: without it Node sends the empty body chunked, and nginx then drops
    // the upstream connection instead of keeping it alive (a new TCP connection per check).
    allow.push('Content-Length', '0');
    res.writeHead(200, allow as string[]);
    res.end();
    return;
  }
  const status = protocol.onlyAuthStatuses && decision.status !== 401 ? 403 : decision.status;
  const deny: OutgoingHttpHeader[] = [...SECURITY_HEADERS, REQUEST_ID_HEADER, requestId];
  deny.push(REASON_HEADER, decision.reason);
  if (status === 401) deny.push('WWW-Authenticate', WWW_AUTHENTICATE);
  if (status === 429 && decision.retryAfterSeconds)
    deny.push('Retry-After', String(decision.retryAfterSeconds));
  if (!protocol.refusalBody) {
    deny.push('Content-Length', '0');
    res.writeHead(status, deny as string[]);
    res.end();
    return;
  }
  const body = denyBody(decision.reason as DenyReason);
  deny.push('Content-Type', JSON_TYPE, 'Content-Length', body.length);
  res.writeHead(status, deny as string[]);
  res.end(body.text);
}
