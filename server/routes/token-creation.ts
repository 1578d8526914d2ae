import type { Context } from 'koa';
import type { CreateTokenResponse } from '../../shared/api.ts';
import type { TokenRecord } from '../services/types.ts';
import { toApiToken } from './serialize.ts';

// The answer to a creation, for oneself or on someone's behalf: the secret is in this response
// only, so no cache may keep it.
export function created(ctx: Context, result: { token: TokenRecord; secret: string }): CreateTokenResponse {
  ctx.set('Cache-Control', 'no-store');
  return { token: toApiToken(result.token), secret: result.secret };
}
