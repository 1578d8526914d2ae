import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { CompanionDeps } from '../deps.ts';

/** What routes get: the companion's parts, plus the guard every management route runs first. */
export interface RouteDeps extends CompanionDeps {
  // originCheck + jsonBody + identify.
  managementGuard: Middleware[];
}

/**
 * The companion's router. Paths are case-sensitive, as they are for nginx and the site: a
 * case-insensitive route could run without a guard that matched case-sensitively (GET
 * /api/V1/tokens once reached the handler unidentified).
 */
// The return type is inferred on purpose: annotated as `Router`, TypeScript 7 checked the
// simulator's own routers against it and failed them (an order-dependent variance check).
export function companionRouter(prefix: string) {
  return new Router({ prefix, sensitive: true });
}
