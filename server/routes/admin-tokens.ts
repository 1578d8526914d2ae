import type Router from '@koa/router';
import {
  AdminTokensQuery,
  type CreateTokenRequest as CreateBody,
  CreateTokenRequest,
  type DeletedResponse,
  TokenIdParams,
  type TokenPage,
  UsernameParams,
} from '../../shared/api.ts';
import { badRequest, forbidden, notFound } from '../errors.ts';
import { requireAdmin, requirePermission } from '../middleware/authorize.ts';
import { auditContextOf, callerOf } from '../middleware/identify.ts';
import { inputOf, validate } from '../middleware/validate.ts';
import { managementRouter, type RouteDeps } from './deps.ts';
import { dateOrUndefined, toApiToken } from './serialize.ts';
import { createToken } from './token-creation.ts';

type Username = { username: string };

export function adminTokensRouter(deps: RouteDeps): Router {
  return (
    managementRouter(deps)
      .get('/admin/tokens', requireAdmin(), validate({ query: AdminTokensQuery }), async (ctx) => {
        const q = inputOf<undefined, AdminTokensQuery>(ctx).query;
        const page = await deps.tokens.adminList(
          {
            user: q.user,
            name: q.name,
            createdFrom: dateOrUndefined(q.createdFrom),
            createdTo: dateOrUndefined(q.createdTo),
            expiresFrom: dateOrUndefined(q.expiresFrom),
            expiresTo: dateOrUndefined(q.expiresTo),
            lastUsedFrom: dateOrUndefined(q.lastUsedFrom),
            lastUsedTo: dateOrUndefined(q.lastUsedTo),
          },
          { limit: q.limit, offset: q.offset },
        );
        const body: TokenPage = { ...page, items: page.items.map(toApiToken) };
        ctx.body = body;
      })
      // Granted by the create-for-others permission (site administrators always hold it).
      .post(
        '/admin/users/:username/tokens',
        requirePermission('createTokensForOthers'),
        validate({ params: UsernameParams, body: CreateTokenRequest }),
        async (ctx) => {
          const { params, body } = inputOf<CreateBody, undefined, Username>(ctx);
          const user = await deps.directory.lookupUser(params.username);
          if (!user) throw notFound(`The site has no user named ${params.username}.`);
          if (!user.active) throw badRequest(`${user.username} is deactivated on the site.`);
          // A token of an administrator is that administrator: holding create-for-others must not
          // be a way for anyone else to become one.
          if (user.isAdmin && !callerOf(ctx).isAdmin) {
            throw forbidden(
              'Only site administrators may create tokens for a site administrator.',
              'admin_required',
            );
          }
          await createToken(deps, ctx, user.username, body);
        },
      )
      .delete(
        '/admin/users/:username/tokens',
        requireAdmin(),
        validate({ params: UsernameParams }),
        async (ctx) => {
          const { username } = inputOf<undefined, undefined, Username>(ctx).params;
          const deleted = await deps.tokens.deleteAllForUser(username, auditContextOf(ctx));
          const body: DeletedResponse = { deleted };
          ctx.body = body;
        },
      )
      .delete('/admin/tokens/:id', requireAdmin(), validate({ params: TokenIdParams }), async (ctx) => {
        const { id } = inputOf<undefined, undefined, { id: string }>(ctx).params;
        if (!(await deps.tokens.delete(id, auditContextOf(ctx)))) throw notFound('No such token.');
        ctx.status = 204;
      })
  );
}
