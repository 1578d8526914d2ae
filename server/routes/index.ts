import { openApiDocument } from '../openapi.ts';
import { PROXY_ENDPOINTS } from '../openapi-operations.ts';
import { adminAuditRoutes } from './admin-audit.ts';
import { adminDirectoryRoutes } from './admin-directory.ts';
import { adminPermissionRoutes } from './admin-permissions.ts';
import { adminSettingsRoutes } from './admin-settings.ts';
import { adminThrottleRoutes } from './admin-throttles.ts';
import { adminTokenRoutes } from './admin-tokens.ts';
import { adminWebhookRoutes } from './admin-webhook.ts';
import type { RouteDeps } from './deps.ts';
import { docsRoutes } from './docs.ts';
import { healthRoutes } from './health.ts';
import { meRoutes } from './me.ts';
import { buildRouter } from './router.ts';
import type { Route } from './table.ts';
import { tokenRoutes } from './tokens.ts';
import { validateRoutes } from './validate.ts';

export type { RouteDeps } from './deps.ts';

// Every route of the companion, in one table: add a feature with one line here. The router and
// the API document are both generated from it. The proxy endpoints of the validation plane are
// not routes: server/app.ts serves them before Koa.
export const ROUTES: readonly Route[] = [
  ...healthRoutes,
  ...docsRoutes,
  ...meRoutes,
  ...tokenRoutes,
  ...adminSettingsRoutes,
  ...adminPermissionRoutes,
  ...adminTokenRoutes,
  ...adminDirectoryRoutes,
  ...adminAuditRoutes,
  ...validateRoutes,
  ...adminThrottleRoutes,
  ...adminWebhookRoutes,
];

/** The OpenAPI document of a companion mounted at `basePath`. */
export const apiDocument = (basePath: string) =>
  openApiDocument({ basePath, routes: ROUTES, others: PROXY_ENDPOINTS });

export function routers(deps: RouteDeps) {
  return [buildRouter(ROUTES, deps, apiDocument(deps.config.basePath))];
}
