import type { Context } from 'koa';
import type { CreateTokenRequest, CreateTokenResponse } from '../../shared/api.ts';
import { auditContextOf } from '../middleware/identify.ts';
import type { RouteDeps } from './deps.ts';
import { toApiToken } from './serialize.ts';

// One path for creating a token, for oneself or on someone's behalf. The token service applies the
// system maximum (400 listing the allowed validities) and the forced read-only scope.
export async function createToken(
  deps: RouteDeps,
  ctx: Context,
  owner: string,
  request: CreateTokenRequest,
): Promise<void> {
  const { token, secret } = await deps.tokens.create(
    {
      owner,
      name: request.name,
      validity: request.validity,
      scope: request.scope,
      ipAllowlist: request.ipAllowlist,
    },
    auditContextOf(ctx),
  );
  const body: CreateTokenResponse = { token: toApiToken(token), secret };
  ctx.status = 201;
  // The secret is in this response only: no cache may keep it.
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}
