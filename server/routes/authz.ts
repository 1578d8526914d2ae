import { AuthzService } from '../authz/authz-service.ts';
import { type AuthzEndpoints, authzEndpoints } from '../authz/endpoints.ts';
import type { ServiceEvents } from '../services/events.ts';
import type { RouteDeps } from './deps.ts';

/** What the validation plane needs from the companion's wiring (everything but the guard). */
export type AuthzDeps = Omit<RouteDeps, 'managementGuard'>;

// One validation plane per companion, shared by the proxy endpoints, /api/v1/validate and the
// throttle admin API (they must see the same throttle). Keyed by the companion's event bus.
const services = new WeakMap<ServiceEvents, AuthzService>();

export function authzServiceFor(deps: AuthzDeps): AuthzService {
  let service = services.get(deps.events);
  if (service === undefined) {
    const created = new AuthzService(deps);
    deps.onClose(() => created.close());
    services.set(deps.events, created);
    service = created;
  }
  return service;
}

/**
 * The proxy endpoints (`{basePath}/authz/auth-request`, `/forward-auth`, `/ext-authz/*`) as a
 * plain Node handler: server/app.ts answers them before Koa, so they are not Koa routes.
 */
export function authzEndpointsFor(deps: AuthzDeps): AuthzEndpoints {
  return authzEndpoints({
    basePath: deps.config.basePath,
    identityHeader: deps.config.identityHeader,
    authz: authzServiceFor(deps),
    logger: deps.logger,
  });
}
