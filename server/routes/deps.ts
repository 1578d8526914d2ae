import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { CompanionDeps } from '../deps.ts';

/** What routes get: the companion's parts, plus the guard every management route runs first. */
export interface RouteDeps extends CompanionDeps {
  // originCheck + jsonBody + identify.
  managementGuard: Middleware[];
}

export const apiPrefix = (deps: Pick<RouteDeps, 'config'>) => `${deps.config.basePath}/api/v1`;

/**
 * Every router of the companion. Paths are case-sensitive, as they are for nginx and the site: the
 * router's own `use` middleware matches case-sensitively, so a case-insensitive route could run
 * without the guard in front of it (GET /api/V1/tokens reached the handler unidentified).
 */
// The return type is inferred on purpose: annotated as `Router`, TypeScript 7 checked the
// simulator's own routers against it and failed them (an order-dependent variance check).
export function companionRouter(prefix: string) {
  return new Router({ prefix, sensitive: true });
}

// A router for management routes: every route in it is identified and origin/JSON-checked.
export function managementRouter(deps: RouteDeps): Router {
  const router = companionRouter(apiPrefix(deps));
  router.use(...deps.managementGuard);
  return router;
}
