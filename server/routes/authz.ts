import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { AuthzService } from '../authz/authz-service.ts';
import type { Decision } from '../authz/decision-engine.ts';
import { headerSafe, type Protocol, requestFromContext, writeDecision } from '../authz/http.ts';
import type { ServiceEvents } from '../services/events.ts';
import type { RouteDeps } from './deps.ts';

// One validation plane per companion, shared by the proxy endpoints, /api/v1/validate and the
// throttle admin API (they must see the same throttle). Keyed by the companion's event bus.
const services = new WeakMap<ServiceEvents, AuthzService>();

export function authzServiceFor(deps: RouteDeps): AuthzService {
  let service = services.get(deps.events);
  if (service === undefined) {
    const created = new AuthzService(deps);
    deps.onClose(() => created.close());
    services.set(deps.events, created);
    service = created;
  }
  return service;
}

const NGINX: Protocol = { onlyAuthStatuses: true };

// Traefik (authResponseHeaders) and Caddy ≥ 2.11.2 (copy_headers) delete every listed header
// from the request and set it again only when the answer carries it. Authorization is listed so
// that a token never reaches the site; a password or the site's own token must, so it is echoed.
const FORWARD_AUTH: Protocol = {
  onlyAuthStatuses: false,
  allowHeaders: (decision, ctx): Record<string, string> =>
    decision.mode === 'password' || decision.mode === 'passthrough'
      ? { Authorization: ctx.get('Authorization') }
      : {},
};

// Envoy sets the headers `allowed_upstream_headers` lets through and removes the ones named here.
const EXT_AUTHZ: Protocol = {
  onlyAuthStatuses: false,
  allowHeaders: (decision): Record<string, string> =>
    decision.mode === 'token' ? { 'x-envoy-auth-headers-to-remove': 'authorization' } : {},
};

/**
 * The endpoints reverse proxies ask before a REST request reaches the site:
 * nginx `auth_request`, Traefik `forwardAuth` / Caddy `forward_auth`, Envoy `ext_authz` (HTTP).
 * Proxies must keep them unreachable from clients (the shipped configs in deploy/ do).
 */
export function authzRouter(deps: RouteDeps): Router {
  const authz = authzServiceFor(deps);
  const prefix = `${deps.config.basePath}/authz`;
  const answer = async (ctx: Context, method: string, path: string, protocol: Protocol) => {
    const logger = ctx.state.logger as Logger | undefined;
    const decision: Decision = headerSafe(await authz.check(requestFromContext(ctx, method, path), logger));
    writeDecision(ctx, decision, deps.config.identityHeader, protocol);
  };
  const extAuthzPrefix = `${prefix}/ext-authz`;
  return (
    new Router({ prefix })
      // nginx sends a GET without a body whatever the client did: the original is in these headers.
      .get('/auth-request', (ctx) =>
        answer(ctx, ctx.get('X-Original-Method'), ctx.get('X-Original-URI'), NGINX),
      )
      .get('/forward-auth', (ctx) =>
        answer(ctx, ctx.get('X-Forwarded-Method'), ctx.get('X-Forwarded-Uri'), FORWARD_AUTH),
      )
      // Envoy keeps the method and appends the original path (query included) to path_prefix.
      .all('/ext-authz{/*rest}', (ctx) =>
        answer(ctx, ctx.method, ctx.url.slice(extAuthzPrefix.length) || '/', EXT_AUTHZ),
      )
  );
}
