import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuthzService } from './authz-service.ts';
import type { Decision } from './decision-engine.ts';
import {
  type CheckHeaders,
  checkHeaders,
  headerSafe,
  type Protocol,
  requestFrom,
  writeDecision,
} from './http.ts';
import { denial } from './reasons.ts';

/**
 * The endpoints reverse proxies ask before a REST request reaches the site:
 * nginx `auth_request`, Traefik `forwardAuth` / Caddy `forward_auth`, Envoy `ext_authz` (HTTP).
 * Proxies must keep them unreachable from clients (the shipped configs in deploy/ do).
 *
 * They sit on the path of every REST call of the site, so they are served straight from Node's
 * request listener, not through Koa and its middleware (server/app.ts puts this handler in front
 * of Koa's). What the middleware does for other routes is done here in its cheap form: security
 * headers from a prebuilt list, a request id without a UUID, no access line at info level (the
 * service logs its own two lines per authentication), and an error ends in a refusal.
 */
export type AuthzEndpoints = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface AuthzEndpointsOptions {
  basePath: string;
  identityHeader: string;
  authz: AuthzService;
  logger: Logger;
}

const NGINX: Protocol = { onlyAuthStatuses: true, refusalBody: false };

// Traefik (authResponseHeaders) and Caddy ≥ 2.11.2 (copy_headers) delete every listed header
// from the request and set it again only when the answer carries it. Authorization is listed so
// that a token never reaches the site; a password or the site's own token must, so it is echoed.
const FORWARD_AUTH: Protocol = {
  onlyAuthStatuses: false,
  refusalBody: true,
  allowHeaders: (decision, headers) =>
    decision.mode === 'password' || decision.mode === 'passthrough'
      ? ['Authorization', headers.authorization[0] ?? '']
      : [],
};

// Envoy sets the headers `allowed_upstream_headers` lets through and removes the ones named here:
// the token's Authorization is removed, unless the answer replaces it with the site PAT, and so is
// the browser's Cookie (a PAT request carrying JSESSIONID would end that session on the site).
const EXT_AUTHZ: Protocol = {
  onlyAuthStatuses: false,
  refusalBody: true,
  allowHeaders: (decision) =>
    decision.mode !== 'token'
      ? []
      : [
          'x-envoy-auth-headers-to-remove',
          decision.siteAuthorization === undefined ? 'authorization,cookie' : 'cookie',
        ],
};

// A caller-supplied request id (nginx's $request_id, say) is kept only when it is short and plain,
// so it cannot inject log content; otherwise a per-process prefix and a counter, cheaper than a UUID.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const ID_PREFIX = `${randomBytes(6).toString('base64url')}-`;
let lastId = 0;
function requestIdOf(incoming: string): string {
  if (incoming !== '' && SAFE_REQUEST_ID.test(incoming)) return incoming;
  lastId = (lastId + 1) % Number.MAX_SAFE_INTEGER;
  return ID_PREFIX + lastId.toString(36);
}

/** What a failure inside this handler answers: a refusal the proxy understands, never a 500. */
const FAILED: Decision = { ...denial('internal-error'), mode: null, user: null, clientIp: null };

export function authzEndpoints(options: AuthzEndpointsOptions): AuthzEndpoints {
  const { authz, identityHeader, logger } = options;
  const prefix = `${options.basePath}/authz/`;
  const authRequest = `${prefix}auth-request`;
  const forwardAuth = `${prefix}forward-auth`;
  const extAuthz = `${prefix}ext-authz`;

  const respond = (
    res: ServerResponse,
    headers: CheckHeaders,
    decision: Decision,
    protocol: Protocol,
    requestId: string,
  ) => {
    try {
      writeDecision(res, headers, headerSafe(decision), identityHeader, protocol, requestId);
    } catch (err) {
      logger.error({ err, reqId: requestId }, 'could not write the decision');
      if (res.headersSent) res.destroy();
      else writeDecision(res, headers, FAILED, identityHeader, protocol, requestId);
    }
  };

  const fail = (
    res: ServerResponse,
    headers: CheckHeaders,
    err: unknown,
    protocol: Protocol,
    requestId: string,
  ) => {
    logger.error({ err, reqId: requestId }, 'validation failed');
    respond(res, headers, FAILED, protocol, requestId);
  };

  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    headers: CheckHeaders,
    method: string,
    path: string,
    protocol: Protocol,
  ) => {
    const requestId = requestIdOf(headers.requestId);
    let decided: Decision | Promise<Decision>;
    try {
      decided = authz.check(requestFrom(req, headers, method, path), logger, requestId);
    } catch (err) {
      fail(res, headers, err, protocol, requestId);
      return;
    }
    if (decided instanceof Promise) {
      decided.then(
        (decision) => respond(res, headers, decision, protocol, requestId),
        (err) => fail(res, headers, err, protocol, requestId),
      );
    } else {
      respond(res, headers, decided, protocol, requestId);
    }
    if (logger.isLevelEnabled('debug')) {
      res.once('finish', () =>
        logger.debug(
          { reqId: requestId, method: req.method, path: req.url, status: res.statusCode },
          'request',
        ),
      );
    }
  };

  return (req, res) => {
    const url = req.url ?? '';
    if (!url.startsWith(prefix)) return false;
    const query = url.indexOf('?');
    const pathname = query < 0 ? url : url.slice(0, query);
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (pathname === authRequest && read) {
      // nginx sends a GET without a body whatever the client did: the original is in these headers.
      const headers = checkHeaders(req.rawHeaders);
      answer(req, res, headers, headers.originalMethod, headers.originalUri, NGINX);
    } else if (pathname === forwardAuth && read) {
      const headers = checkHeaders(req.rawHeaders);
      answer(req, res, headers, headers.forwardedMethod, headers.forwardedUri, FORWARD_AUTH);
    } else if (pathname === extAuthz || pathname.startsWith(`${extAuthz}/`)) {
      // Envoy keeps the method and appends the original path (query included) to path_prefix.
      answer(
        req,
        res,
        checkHeaders(req.rawHeaders),
        req.method ?? '',
        url.slice(extAuthz.length) || '/',
        EXT_AUTHZ,
      );
    } else {
      return false;
    }
    return true;
  };
}
