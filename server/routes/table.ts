// One route, declared once: its method and path, who may call it, the zod schemas of what it
// takes and what it answers, and the handler. The Koa router (./router.ts) and the OpenAPI
// document (../openapi.ts) are both generated from the list of these (./index.ts), so the
// description cannot drift from what is served.
import type { Context } from 'koa';
import type { z } from 'zod';
import type { RouteDeps } from './deps.ts';

/**
 * public: anyone (health, documentation). user: any caller the site vouches for (session cookie,
 * one of their API tokens). admin: site administrators. validate: the plugin inside the site,
 * holding ATA_VALIDATE_SECRET.
 */
export type Guard = 'public' | 'user' | 'admin' | 'validate';

export type Tag = 'Me' | 'Tokens' | 'Administration' | 'Audit' | 'Validation' | 'Health' | 'Documentation';

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;
type In<S extends Schema> = S extends z.ZodType ? z.input<S> : undefined;

export interface RouteCall<P extends Schema, Q extends Schema, B extends Schema> {
  deps: RouteDeps;
  ctx: Context;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  /** The API description generated from this table (what the documentation routes serve). */
  document: Record<string, unknown>;
}

export interface RouteSpec<
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
  O extends Schema = undefined,
> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Below the base path, with OpenAPI parameters: `/api/v1/tokens/{id}`. Case-sensitive. */
  path: string;
  guard: Guard;
  tag: Tag;
  summary: string;
  /** Who may call it, when the guard alone does not say (a permission the service checks). */
  access?: string;
  input?: { params?: P & z.ZodObject; query?: Q & z.ZodObject; body?: B };
  /**
   * The answer on success. With a schema, what the handler returns is parsed through it (fields
   * it does not name are dropped) and sent as JSON; without one, the handler writes ctx.body.
   */
  output: { status: number; description: string; schema?: O; contentType?: string };
  handler: (call: RouteCall<P, Q, B>) => Promise<In<O> | undefined> | In<O> | undefined;
}

/** A route with its types erased, as the table holds it. */
export type Route = RouteSpec<Schema, Schema, Schema, Schema>;

/** Declares a route; the types of the handler's input and answer follow from the schemas. */
export function route<
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
  O extends Schema = undefined,
>(spec: RouteSpec<P, Q, B, O>): Route {
  return spec as unknown as Route;
}

/** `/tokens/{id}` → `/tokens/:id`, the router's spelling. */
export const koaPath = (path: string) => path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');

const ANYONE = 'Any user logged in to the site (session cookie) or calling with one of their own API tokens';
const ACCESS: Record<Guard, string> = {
  public: 'Anyone',
  user: ANYONE,
  admin: 'Site administrators',
  validate: 'Callers presenting Authorization: Bearer <ATA_VALIDATE_SECRET>',
};

export const accessOf = (r: Route) => r.access ?? ACCESS[r.guard];
