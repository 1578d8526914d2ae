import type { Context, Next } from 'koa';
import { forbidden } from '../errors.ts';

export interface OriginCheckOptions {
  // The site's origin (scheme://host[:port]) on which the companion is mounted, plus configured extras.
  allowedOrigins: string[];
}

// A request that states its Origin must come from the site's own pages: anything else is a
// cross-site request riding on the user's session cookie.
export function originCheck(options: OriginCheckOptions) {
  const allowed = new Set(options.allowedOrigins.map((o) => o.toLowerCase()));
  return async function originCheckMiddleware(ctx: Context, next: Next) {
    const origin = ctx.get('Origin');
    if (origin !== '' && !allowed.has(origin.toLowerCase())) {
      throw forbidden(`Requests from origin ${origin.slice(0, 200)} are not allowed.`, 'origin_not_allowed');
    }
    return next();
  };
}
