import type { Context } from 'koa';
import { z } from 'zod';
import { ThrottleList } from '../../shared/api.ts';
import { addressKeyOf, type ThrottleKind } from '../authz/throttle.ts';
import { badRequest, notFound } from '../errors.ts';
import { auditContextOf } from '../middleware/identify.ts';
import type { RouteDeps } from './deps.ts';
import { type Route, route } from './table.ts';

const AddressParams = z.strictObject({ address: z.string().min(1).max(64) });
// Any name a client claimed can be blocked, so any name can be lifted (no stricter rule than that).
const UserParams = z.strictObject({ username: z.string().min(1).max(255) });

async function reset(deps: RouteDeps, ctx: Context, kind: ThrottleKind, key: string) {
  if (!(await deps.authz.throttle.reset(kind, key)))
    throw notFound(`No failed attempts are recorded for ${key}.`);
  deps.logger.info(
    { event: 'throttle.reset', kind, key, actor: auditContextOf(ctx).actor },
    'throttle reset',
  );
  return undefined;
}

/**
 * Lists and lifts the brute-force blocks of the validation plane (per client address and per
 * username). Administrators only; each reset is logged with who did it.
 */
export const adminThrottleRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/v1/admin/throttles',
    guard: 'admin',
    tag: 'Administration',
    summary: 'Client addresses and usernames blocked after repeated failed token attempts',
    output: { status: 200, schema: ThrottleList, description: 'The blocks in force' },
    // Every companion's blocks: from the shared store when there is one (server/cluster).
    handler: async ({ deps }) => ({ items: await deps.authz.throttle.listAll() }),
  }),
  route({
    method: 'delete',
    path: '/api/v1/admin/throttles/addresses/{address}',
    guard: 'admin',
    tag: 'Administration',
    summary: 'Lift the block on a client address (IPv6: on its /64, as listed)',
    input: { params: AddressParams },
    output: { status: 204, description: 'Lifted' },
    handler({ deps, ctx, params: { address } }) {
      // An IPv6 address is counted with the rest of its /64: either names the same key.
      const key = addressKeyOf(address);
      if (key === null) throw badRequest(`"${address}" is not an IP address or an IPv6 /64.`);
      return reset(deps, ctx, 'address', key);
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/admin/throttles/users/{username}',
    guard: 'admin',
    tag: 'Administration',
    summary: 'Lift the block on a username',
    input: { params: UserParams },
    output: { status: 204, description: 'Lifted' },
    handler: ({ deps, ctx, params }) => reset(deps, ctx, 'user', params.username),
  }),
];
