import type Router from '@koa/router';
import {
  type CreateTokenRequest as CreateBody,
  CreateTokenRequest,
  type DeletedResponse,
  TokenIdParams,
} from '../../shared/api.ts';
import { notFound } from '../errors.ts';
import { requirePermission } from '../middleware/authorize.ts';
import { auditContextOf, callerOf } from '../middleware/identify.ts';
import { inputOf, validate } from '../middleware/validate.ts';
import { managementRouter, type RouteDeps } from './deps.ts';
import { toApiToken } from './serialize.ts';
import { createToken } from './token-creation.ts';

// The caller's own tokens. Listing and deleting stay possible after create-own is withdrawn, so
// users can always clean up.
export function tokensRouter(deps: RouteDeps): Router {
  return managementRouter(deps)
    .get('/tokens', async (ctx) => {
      const tokens = await deps.tokens.list(callerOf(ctx).username);
      ctx.body = tokens.map(toApiToken);
    })
    .post(
      '/tokens',
      requirePermission('createOwnTokens'),
      validate({ body: CreateTokenRequest }),
      async (ctx) => {
        await createToken(deps, ctx, callerOf(ctx).username, inputOf<CreateBody>(ctx).body);
      },
    )
    .delete('/tokens', async (ctx) => {
      const deleted = await deps.tokens.deleteAllForUser(callerOf(ctx).username, auditContextOf(ctx));
      const body: DeletedResponse = { deleted };
      ctx.body = body;
    })
    .delete('/tokens/:id', validate({ params: TokenIdParams }), async (ctx) => {
      const { id } = inputOf<undefined, undefined, { id: string }>(ctx).params;
      // Someone else's token answers exactly like a missing one: ids are not confirmed to strangers.
      const owner = callerOf(ctx).username;
      if (!(await deps.tokens.delete(id, auditContextOf(ctx), { owner }))) throw notFound('No such token.');
      ctx.status = 204;
    });
}
