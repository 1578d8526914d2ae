import {
  AdminTokensQuery,
  CreateTokenRequest,
  CreateTokenResponse,
  DeletedResponse,
  TokenIdParams,
  TokenPage,
  UsernameParams,
} from '../../shared/api.ts';
import { notFound } from '../errors.ts';
import { auditContextOf, callerOf } from '../middleware/identify.ts';
import { dateOrUndefined, toApiToken } from './serialize.ts';
import { siteCredentialStatus } from './site-session.ts';
import { type Route, route } from './table.ts';
import { created } from './token-creation.ts';

export const adminTokenRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/v1/admin/tokens',
    guard: 'admin',
    tag: 'Administration',
    summary: "All users' tokens, filtered and paginated",
    input: { query: AdminTokensQuery },
    output: { status: 200, schema: TokenPage, description: 'One page' },
    async handler({ deps, query: q }) {
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
      const status = await siteCredentialStatus(deps, page.items);
      return { ...page, items: page.items.map((t) => toApiToken(t, status?.get(t.id))) };
    },
  }),
  // Not guarded as admin: the token service lets holders of create-for-others in too.
  route({
    method: 'post',
    path: '/api/v1/admin/users/{username}/tokens',
    guard: 'user',
    tag: 'Administration',
    summary: 'Create a token on behalf of a site user',
    access:
      'Holders of createTokensForOthers (site administrators always); for a site administrator, site administrators only',
    input: { params: UsernameParams, body: CreateTokenRequest },
    output: { status: 201, schema: CreateTokenResponse, description: 'The new token and its secret' },
    async handler({ deps, ctx, params, body }) {
      const result = await deps.tokens.createForUser(
        callerOf(ctx),
        params.username,
        body,
        auditContextOf(ctx),
      );
      return created(deps, ctx, result);
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/admin/users/{username}/tokens',
    guard: 'admin',
    tag: 'Administration',
    summary: "Delete all of a user's tokens",
    input: { params: UsernameParams },
    output: { status: 200, schema: DeletedResponse, description: 'How many were deleted' },
    async handler({ deps, ctx, params }) {
      return { deleted: await deps.tokens.deleteAllForUser(params.username, auditContextOf(ctx)) };
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/admin/tokens/{id}',
    guard: 'admin',
    tag: 'Administration',
    summary: "Delete any user's token",
    input: { params: TokenIdParams },
    output: { status: 204, description: 'Deleted' },
    async handler({ deps, ctx, params }) {
      if (!(await deps.tokens.delete(params.id, auditContextOf(ctx)))) throw notFound('No such token.');
      return undefined;
    },
  }),
];
