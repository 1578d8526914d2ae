// The Koa router generated from the route table: each route gets the middleware of its guard, the
// zod checks of its input, and its answer parsed through its output schema.
import type { Context, Middleware } from 'koa';
import { AppError } from '../errors.ts';
import { requireAdmin, requireValidateSecret } from '../middleware/authorize.ts';
import { BODY_LIMIT, jsonBody } from '../middleware/json-body.ts';
import { inputOf, validate } from '../middleware/validate.ts';
import { companionRouter, type RouteDeps } from './deps.ts';
import { type Guard, koaPath, type Route } from './table.ts';

function guards(deps: RouteDeps): Record<Guard, Middleware[]> {
  return {
    public: [],
    user: deps.managementGuard,
    admin: [...deps.managementGuard, requireAdmin()],
    validate: [requireValidateSecret(deps.config.validateSecret), jsonBody({ limit: BODY_LIMIT })],
  };
}

function answer(route: Route, deps: RouteDeps, document: Record<string, unknown>): Middleware {
  const { schema, status } = route.output;
  return async (ctx: Context) => {
    const { params, query, body } = inputOf<never, never, never>(ctx);
    // Set first, so a handler can answer otherwise with the same body shape (readyz's 503).
    ctx.status = status;
    const result = await route.handler({ deps, ctx, params, query, body, document });
    if (schema) {
      const parsed = schema.safeParse(result);
      if (!parsed.success) {
        // The handler broke its own contract: nothing it made is sent.
        (ctx.state.logger ?? deps.logger).error(
          { route: `${route.method} ${route.path}`, issues: parsed.error.issues.slice(0, 5) },
          'response does not match its schema',
        );
        throw new AppError(500, 'internal', 'Internal server error.', false);
      }
      ctx.body = parsed.data;
    }
  };
}

/**
 * One router for the whole table, under the base path. Paths are case-sensitive, as they are for
 * nginx and the site, and each route carries its own guard, so no spelling of a path reaches a
 * handler without it (GET /api/V1/tokens once reached the handler unidentified).
 */
export function buildRouter(routes: readonly Route[], deps: RouteDeps, document: Record<string, unknown>) {
  const router = companionRouter(deps.config.basePath);
  const byGuard = guards(deps);
  for (const r of routes) {
    router[r.method](
      koaPath(r.path),
      ...byGuard[r.guard],
      validate({ params: r.input?.params, query: r.input?.query, body: r.input?.body }),
      answer(r, deps, document),
    );
  }
  return router;
}
