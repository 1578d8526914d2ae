import type Router from '@koa/router';
import type { Me } from '../../shared/api.ts';
import { allowedValidities } from '../../shared/validity.ts';
import { callerOf } from '../middleware/identify.ts';
import { managementRouter, type RouteDeps } from './deps.ts';

// GET /me: who the site says the caller is, what they may do, and which validities they may pick.
export function meRouter(deps: RouteDeps): Router {
  return managementRouter(deps).get('/me', async (ctx) => {
    const caller = callerOf(ctx);
    const settings = await deps.settings.get();
    const body: Me = {
      username: caller.username,
      displayName: caller.displayName,
      isAdmin: caller.isAdmin,
      product: deps.product,
      permissions: caller.permissions,
      validityOptions: allowedValidities(settings.maxValidity),
      maxValidity: settings.maxValidity,
      forceReadOnlyScope: settings.forceReadOnlyScope,
    };
    ctx.body = body;
  });
}
