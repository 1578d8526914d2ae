import type { Context } from 'koa';
import type { CreateTokenResponse } from '../../shared/api.ts';
import type { CompanionDeps } from '../deps.ts';
import type { TokenRecord } from '../services/types.ts';
import { toApiToken } from './serialize.ts';
import { siteCredentialStatus } from './site-session.ts';

// The answer to a creation, for oneself or on someone's behalf: the secret is in this response
// only, so no cache may keep it.
export async function created(
  deps: CompanionDeps,
  ctx: Context,
  result: { token: TokenRecord; secret: string },
): Promise<CreateTokenResponse> {
  ctx.set('Cache-Control', 'no-store');
  const status = await siteCredentialStatus(deps, [result.token]);
  return { token: toApiToken(result.token, status?.get(result.token.id)), secret: result.secret };
}
