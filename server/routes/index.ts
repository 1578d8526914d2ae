import type Router from '@koa/router';
import { adminAuditRouter } from './admin-audit.ts';
import { adminDirectoryRouter } from './admin-directory.ts';
import { adminPermissionsRouter } from './admin-permissions.ts';
import { adminSettingsRouter } from './admin-settings.ts';
import { adminThrottlesRouter } from './admin-throttles.ts';
import { adminTokensRouter } from './admin-tokens.ts';
import type { RouteDeps } from './deps.ts';
import { docsRouter } from './docs.ts';
import { healthRouter } from './health.ts';
import { meRouter } from './me.ts';
import { tokensRouter } from './tokens.ts';
import { validateRouter } from './validate.ts';

export type { RouteDeps } from './deps.ts';

// Every router of the companion, in one list: add a feature with one line here. The proxy
// endpoints of the validation plane are not Koa routes: server/app.ts serves them before Koa.
export function routers(deps: RouteDeps): Router[] {
  return [
    healthRouter(deps),
    docsRouter(deps),
    meRouter(deps),
    tokensRouter(deps),
    adminSettingsRouter(deps),
    adminPermissionsRouter(deps),
    adminTokensRouter(deps),
    adminDirectoryRouter(deps),
    adminAuditRouter(deps),
    validateRouter(deps),
    adminThrottlesRouter(deps),
  ];
}
