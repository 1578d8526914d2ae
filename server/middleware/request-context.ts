import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';

// A caller-supplied request id is kept only when it is short and plain, so it cannot inject log content.
const safeRequestId = /^[A-Za-z0-9._-]{1,64}$/;

export interface RequestContextOptions {
  logger: Logger;
  // Paths whose access line is logged at debug level: the validation plane answers every REST
  // request of the site and logs its own decisions, so an info line per call would only add cost.
  quietPrefix?: string;
}

// Gives every request an id (echoed as X-Request-Id) and a child logger, and logs one line per request.
// Headers are never logged: they carry cookies and Authorization.
export function requestContext(options: RequestContextOptions) {
  return async function requestContextMiddleware(ctx: Context, next: Next) {
    const incoming = ctx.get('X-Request-Id');
    const requestId = safeRequestId.test(incoming) ? incoming : randomUUID();
    const logger = options.logger.child({ reqId: requestId });
    ctx.state.requestId = requestId;
    ctx.state.logger = logger;
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const level = options.quietPrefix && ctx.path.startsWith(options.quietPrefix) ? 'debug' : 'info';
      logger[level](
        {
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(performance.now() - started),
          user: (ctx.state.caller as { username?: string } | undefined)?.username,
        },
        'request',
      );
    }
  };
}
