import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Config, Product } from '../config.ts';
import type { Directory } from '../directory/index.ts';
import type { AuditService } from '../services/audit-service.ts';
import type { ServiceEvents } from '../services/events.ts';
import type { PermissionService } from '../services/permission-service.ts';
import type { SettingsService } from '../services/settings-service.ts';
import type { TokenService } from '../services/token-service.ts';

export interface RouteDeps {
  config: Config;
  product: Product;
  logger: Logger;
  clock: () => Date;
  events: ServiceEvents;
  directory: Directory;
  tokens: TokenService;
  settings: SettingsService;
  permissions: PermissionService;
  audit: AuditService;
  // Readiness of the database (throws when it cannot answer).
  checkDatabase(): Promise<void>;
  // Registers work to finish before the process exits (e.g. flushing batched last-used writes).
  onClose(hook: () => Promise<void>): void;
  // originCheck + jsonBody + identify: what every management route runs first.
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
