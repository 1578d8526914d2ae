import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import type { ErrorBody } from '../shared/api.ts';

// The one error type of the server. `expose` says whether the message may reach the client;
// unexposed errors render as a generic 500 so internals (SQL, stack traces) never leak.
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly expose = status < 500 || status === 503,
    readonly details?: unknown,
    /** Response headers the error carries (Retry-After on a 429). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new AppError(400, 'bad_request', message, true, details);
export const unauthorized = (message = 'Log in to the site first, or send one of your API tokens.') =>
  new AppError(401, 'unauthorized', message);
export const forbidden = (message: string, code = 'forbidden') => new AppError(403, code, message);
export const notFound = (message = 'Not found.') => new AppError(404, 'not_found', message);
export const siteUnavailable = (message: string) => new AppError(503, 'site_unavailable', message);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'throttled', message, true, undefined, { 'Retry-After': String(retryAfterSeconds) });

/**
 * A constraint violation of either database, recognised in one place: SQLite SQLITE_CONSTRAINT*
 * (node-sqlite3 reports foreign keys as plain SQLITE_CONSTRAINT), PostgreSQL 23505
 * unique_violation and 23503 foreign_key_violation.
 */
export function isConstraintViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === '23505' || code === '23503')
  );
}

function fromDatabase(err: unknown): AppError | undefined {
  return isConstraintViolation(err)
    ? new AppError(409, 'conflict', 'The change conflicts with existing data.')
    : undefined;
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
    message?: unknown;
    type?: unknown;
  };
  const db = fromDatabase(err);
  if (db) return db;
  const status =
    typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  // Koa / body-parser errors (413 too large, 400 invalid JSON, 415) carry status + expose.
  if (status >= 400 && status < 500 && e.expose !== false) {
    const code =
      status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
    return new AppError(status, code, typeof e.message === 'string' ? e.message : 'Bad request.');
  }
  return new AppError(
    status >= 400 && status < 600 ? status : 500,
    'internal',
    'Internal server error.',
    false,
  );
}

// Renders every error as {"error":{"code","message"}}; logs server-side failures once.
export function errorHandler(options: { logger: Logger }) {
  return async function handleErrors(ctx: Context, next: Next) {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined)
        throw notFound(`No route for ${ctx.method} ${ctx.path}.`);
    } catch (err) {
      const appError = toAppError(err);
      const log = (ctx.state.logger as Logger | undefined) ?? options.logger;
      if (appError.status >= 500) log.error({ err }, 'request failed');
      ctx.status = appError.status;
      if (appError.headers) ctx.set(appError.headers);
      const body: ErrorBody = {
        error: {
          code: appError.code,
          message: appError.expose ? appError.message : 'Internal server error.',
          ...(appError.expose && appError.details !== undefined ? { details: appError.details } : {}),
        },
      };
      // No WWW-Authenticate on the management API: a browser would pop up a password dialog.
      ctx.body = body;
    }
  };
}
