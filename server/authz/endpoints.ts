import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuthzService } from './authz-service.ts';
import type { Decision } from './decision-engine.ts';
import { headerSafe, type Protocol, requestFrom, writeDecision } from './http.ts';
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

const NGINX: Protocol = { onlyAuthStatuses: true };

// Traefik (authResponseHeaders) and Caddy ≥ 2.11.2 (copy_headers) delete every listed header
// from the request and set it again only when the answer carries it. Authorization is listed so
// that a token never reaches the site; a password or the site's own token must, so it is echoed.
const FORWARD_AUTH: Protocol = {
  onlyAuthStatuses: false,
  allowHeaders: (decision, req) =>
    decision.mode === 'password' || decision.mode === 'passthrough'
      ? ['Authorization', req.headers.authorization ?? '']
      : [],
};

// Envoy sets the headers `allowed_upstream_headers` lets through and removes the ones named here.
const EXT_AUTHZ: Protocol = {
  onlyAuthStatuses: false,
  allowHeaders: (decision) =>
    decision.mode === 'token' ? ['x-envoy-auth-headers-to-remove', 'authorization'] : [],
};

// A caller-supplied request id (nginx's $request_id, say) is kept only when it is short and plain,
// so it cannot inject log content; otherwise a per-process prefix and a counter, cheaper than a UUID.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const ID_PREFIX = `${randomBytes(6).toString('base64url')}-`;
let lastId = 0;
function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  if (typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming)) return incoming;
  lastId = (lastId + 1) % Number.MAX_SAFE_INTEGER;
  return ID_PREFIX + lastId.toString(36);
}

const header = (req: IncomingMessage, name: string): string => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : '';
};

/** What a failure inside this handler answers: a refusal the proxy understands, never a 500. */
const FAILED: Decision = { ...denial('internal-error'), mode: null, user: null, clientIp: null };

export function authzEndpoints(options: AuthzEndpointsOptions): AuthzEndpoints {
  const { authz, identityHeader, logger } = options;
  const prefix = `${options.basePath}/authz/`;
  const authRequest = `${prefix}auth-request`;
  const forwardAuth = `${prefix}forward-auth`;
  const extAuthz = `${prefix}ext-authz`;

  const respond = (
    req: IncomingMessage,
    res: ServerResponse,
    decision: Decision,
    protocol: Protocol,
    requestId: string,
  ) => {
    try {
      writeDecision(res, req, headerSafe(decision), identityHeader, protocol, requestId);
    } catch (err) {
      logger.error({ err, reqId: requestId }, 'could not write the decision');
      if (res.headersSent) res.destroy();
      else writeDecision(res, req, FAILED, identityHeader, protocol, requestId);
    }
  };

  const fail = (
    req: IncomingMessage,
    res: ServerResponse,
    err: unknown,
    protocol: Protocol,
    requestId: string,
  ) => {
    logger.error({ err, reqId: requestId }, 'validation failed');
    respond(req, res, FAILED, protocol, requestId);
  };

  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    protocol: Protocol,
  ) => {
    const requestId = requestIdOf(req);
    let decided: Promise<Decision>;
    try {
      decided = authz.check(requestFrom(req, method, path), logger, requestId);
    } catch (err) {
      decided = Promise.reject(err);
    }
    decided.then(
      (decision) => respond(req, res, decision, protocol, requestId),
      (err) => fail(req, res, err, protocol, requestId),
    );
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
      answer(req, res, header(req, 'x-original-method'), header(req, 'x-original-uri'), NGINX);
    } else if (pathname === forwardAuth && read) {
      answer(req, res, header(req, 'x-forwarded-method'), header(req, 'x-forwarded-uri'), FORWARD_AUTH);
    } else if (pathname === extAuthz || pathname.startsWith(`${extAuthz}/`)) {
      // Envoy keeps the method and appends the original path (query included) to path_prefix.
      answer(req, res, req.method ?? '', url.slice(extAuthz.length) || '/', EXT_AUTHZ);
    } else {
      return false;
    }
    return true;
  };
}
