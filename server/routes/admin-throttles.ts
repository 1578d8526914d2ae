import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { addressKeyOf, type ThrottleKind } from '../authz/throttle.ts';
import { badRequest, notFound } from '../errors.ts';
import { requireAdmin } from '../middleware/authorize.ts';
import { auditContextOf } from '../middleware/identify.ts';
import { inputOf, validate } from '../middleware/validate.ts';
import { managementRouter, type RouteDeps } from './deps.ts';

const AddressParams = z.strictObject({ address: z.string().min(1).max(64) });
const UserParams = z.strictObject({ username: z.string().min(1).max(255) });

/**
 * Lists and lifts the brute-force blocks of the validation plane (per client address and per
 * username). Administrators only; each reset is logged with who did it.
 */
export function adminThrottlesRouter(deps: RouteDeps): Router {
  const { authz } = deps;
  const reset = async (kind: ThrottleKind, key: string, ctx: Context) => {
    if (!(await authz.throttle.reset(kind, key)))
      throw notFound(`No failed attempts are recorded for ${key}.`);
    deps.logger.info(
      { event: 'throttle.reset', kind, key, actor: auditContextOf(ctx).actor },
      'throttle reset',
    );
    ctx.status = 204;
  };
  return managementRouter(deps)
    .get('/admin/throttles', requireAdmin(), (ctx) => {
      ctx.body = { items: authz.throttle.list() };
    })
    .delete(
      '/admin/throttles/addresses/:address',
      requireAdmin(),
      validate({ params: AddressParams }),
      (ctx) => {
        const { address } = inputOf<undefined, undefined, z.infer<typeof AddressParams>>(ctx).params;
        // An IPv6 address is counted with the rest of its /64: either names the same key.
        const key = addressKeyOf(address);
        if (key === null) throw badRequest(`"${address}" is not an IP address or an IPv6 /64.`);
        return reset('address', key, ctx);
      },
    )
    .delete('/admin/throttles/users/:username', requireAdmin(), validate({ params: UserParams }), (ctx) => {
      const { username } = inputOf<undefined, undefined, z.infer<typeof UserParams>>(ctx).params;
      return reset('user', username, ctx);
    });
}
