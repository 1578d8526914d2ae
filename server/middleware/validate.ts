import type { Context, Next } from 'koa';
import type { z } from 'zod';
import { badRequest } from '../errors.ts';

declare module 'koa' {
  interface ExtendableContext {
    // Written by validate(); read through inputOf<…>(ctx) for types.
    input?: Input<unknown, unknown, unknown>;
  }
}

export interface ValidateOptions<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  body?: B;
  query?: Q;
  params?: P;
}

export interface Input<B, Q, P> {
  body: B;
  query: Q;
  params: P;
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function check<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: string,
): z.infer<T> | undefined {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) {
    throw badRequest(
      `Invalid ${where}: ${describeIssues(result.error)}`,
      result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    );
  }
  return result.data;
}

// Parses body, query and route params with zod schemas and writes the result to ctx.input.
// Schemas are strict objects, so an unknown field is a 400, never silently ignored.
export function validate<
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
>(options: ValidateOptions<B, Q, P>) {
  return async function validateMiddleware(ctx: Context, next: Next) {
    const input: Input<unknown, unknown, unknown> = {
      body: check(options.body, ctx.request.body, 'request body'),
      query: check(options.query, ctx.query, 'query'),
      params: check(options.params, (ctx as Context & { params?: unknown }).params, 'path'),
    };
    ctx.input = input;
    return next();
  };
}

export function inputOf<B = undefined, Q = undefined, P = undefined>(ctx: Context): Input<B, Q, P> {
  return ctx.input as Input<B, Q, P>;
}
