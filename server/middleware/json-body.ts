import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { AppError } from '../errors.ts';

/** Mutating bodies are small JSON documents; anything larger is refused before parsing. */
export const BODY_LIMIT = '64kb';

const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface JsonBodyOptions {
  // Maximum body size, e.g. '64kb'.
  limit: string;
}

// Mutating requests must declare JSON: a cross-site HTML form cannot send application/json
// without a CORS preflight, which this server never grants. Bodies are parsed strictly, size-capped.
// A DELETE without a body has nothing to declare, and no form can send a DELETE at all (a
// cross-site one always needs the preflight), so it passes without a Content-Type.
export function jsonBody(options: JsonBodyOptions) {
  const parse = bodyParser({
    enableTypes: ['json'],
    jsonLimit: options.limit,
    jsonStrict: true,
    parsedMethods: [...mutating],
  });
  return async function jsonBodyMiddleware(ctx: Context, next: Next) {
    if (!mutating.has(ctx.method)) return next();
    const hasBody = (ctx.request.length ?? 0) > 0 || ctx.get('Transfer-Encoding') !== '';
    if (ctx.method === 'DELETE' && !hasBody) return next();
    // Otherwise the declared type is checked even for an empty body (ctx.is() answers null then).
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
