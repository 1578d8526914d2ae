import {
  CreateTokenRequest,
  CreateTokenResponse,
  DeletedResponse,
  TokenIdParams,
  TokenList,
} from '../../shared/api.ts';
import { notFound } from '../errors.ts';
import { auditContextOf, callerOf } from '../middleware/identify.ts';
import { toApiToken } from './serialize.ts';
import { assertSiteCanTakeTokens, provisionWithSession, siteCredentialStatus } from './site-session.ts';
import { type Route, route } from './table.ts';
import { created } from './token-creation.ts';

// The caller's own tokens. Listing and deleting stay possible after create-own is withdrawn, so
// users can always clean up.
export const tokenRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/v1/tokens',
    guard: 'user',
    tag: 'Tokens',
    summary: "List the caller's tokens",
    output: { status: 200, schema: TokenList, description: 'Tokens, newest first' },
    async handler({ deps, ctx }) {
      const tokens = await deps.tokens.list(callerOf(ctx));
      const status = await siteCredentialStatus(deps, tokens);
      return tokens.map((t) => toApiToken(t, status?.get(t.id)));
    },
  }),
  route({
    method: 'post',
    path: '/api/v1/tokens',
    guard: 'user',
    tag: 'Tokens',
    summary: 'Create a token; the secret is returned only here',
    access: 'Holders of createOwnTokens; a token used for this may only create tokens no wider than itself',
    input: { body: CreateTokenRequest },
    output: { status: 201, schema: CreateTokenResponse, description: 'The new token and its secret' },
    async handler({ deps, ctx, body }) {
      await assertSiteCanTakeTokens(deps, ctx);
      const made = await deps.tokens.createOwn(callerOf(ctx), body, auditContextOf(ctx));
      // Awaited: the new token is meant to work right away, and this is the owner's session.
      await provisionWithSession(deps, ctx);
      return created(deps, ctx, made);
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/tokens',
    guard: 'user',
    tag: 'Tokens',
    summary: "Delete all of the caller's tokens",
    output: { status: 200, schema: DeletedResponse, description: 'How many were deleted' },
    async handler({ deps, ctx }) {
      return { deleted: await deps.tokens.deleteAllForUser(callerOf(ctx), auditContextOf(ctx)) };
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/tokens/{id}',
    guard: 'user',
    tag: 'Tokens',
    summary: "Delete one of your tokens (another user's id answers 404)",
    input: { params: TokenIdParams },
    output: { status: 204, description: 'Deleted' },
    async handler({ deps, ctx, params }) {
      // Someone else's token answers exactly like a missing one: ids are not confirmed to strangers.
      const owner = callerOf(ctx);
      if (!(await deps.tokens.delete(params.id, auditContextOf(ctx), { owner }))) {
        throw notFound('No such token.');
      }
      return undefined;
    },
  }),
];
