import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { AppError } from '../errors.ts';

const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface JsonBodyOptions {
  // Maximum body size, e.g. '64kb'.
  limit: string;
}

// Mutating requests must declare JSON: a cross-site HTML form cannot send application/json
// without a CORS preflight, which this server never grants. Bodies are parsed strictly, size-capped.
export function jsonBody(options: JsonBodyOptions) {
  const parse = bodyParser({
    enableTypes: ['json'],
    jsonLimit: options.limit,
    jsonStrict: true,
    parsedMethods: [...mutating],
  });
  return async function jsonBodyMiddleware(ctx: Context, next: Next) {
    if (!mutating.has(ctx.method)) return next();
    // The declared type is checked even when there is no body (ctx.is() answers null then).
    if (ctx.request.type !== 'application/json') {
      throw new AppError(
        415,
        'unsupported_media_type',
        'Send the request with Content-Type: application/json.',
      );
    }
    return parse(ctx, next);
  };
}
