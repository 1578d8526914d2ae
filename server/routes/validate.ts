import type { Logger } from 'pino';
import { z } from 'zod';
import { DecisionMode } from '../../shared/api.ts';
import type { HeaderBag } from '../authz/client-ip.ts';
import { headerSafe } from '../authz/http.ts';
import { type Route, route } from './table.ts';

const headerValue = z.string().max(8192);

/** What a plugin inside the site reports about the REST request it is about to serve. */
export const ValidateRequest = z.strictObject({
  method: z.string().regex(/^[A-Za-z]{1,20}$/, 'must be an HTTP method'),
  path: z.string().min(1).max(8192),
  /** Every Authorization header value of the request (a string for one, null or absent for none). */
  authorization: z.union([headerValue, z.array(headerValue).max(8), z.null()]).optional(),
  /** The request's remote address as the site sees it (its TCP peer). */
  remoteAddress: z.string().max(64),
  /** The other request headers; only the configured client-IP header is read. */
  headers: z
    .record(z.string().max(256), z.union([headerValue, z.array(headerValue).max(32)]))
    .refine((h) => Object.keys(h).length <= 200, 'at most 200 headers')
    .optional(),
});
type ValidateRequest = z.infer<typeof ValidateRequest>;

/** The answer, as a schema too, so the API description can be generated from it. */
export const ValidateResponse = z
  .strictObject({
    decision: z.enum(['allow', 'deny']),
    mode: DecisionMode.nullable(),
    status: z.number().int(),
    user: z.string().nullable(),
    reason: z.string(),
    expiresAt: z.string().nullable().optional(),
    retryAfterSeconds: z.number().int().optional(),
  })
  .meta({ id: 'ValidateResponse' });
export type ValidateResponse = z.infer<typeof ValidateResponse>;

function lowerCased(headers: ValidateRequest['headers']): HeaderBag {
  // No prototype: a header named __proto__ is just a header.
  const bag: Record<string, string[]> = Object.create(null);
  for (const [name, value] of Object.entries(headers ?? {})) {
    const key = name.toLowerCase();
    bag[key] = [...(bag[key] ?? []), ...(Array.isArray(value) ? value : [value])];
  }
  return bag;
}

const authorizationList = (value: ValidateRequest['authorization']): string[] =>
  value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * `POST /api/v1/validate` for a plugin inside the site: the same decision as the proxy endpoints,
 * as JSON. The HTTP status is 200 for every decision; the decision's own status is in the body.
 */
export const validateRoutes: Route[] = [
  route({
    method: 'post',
    path: '/api/v1/validate',
    guard: 'validate',
    tag: 'Validation',
    summary:
      'For a plugin inside the site: the decision as JSON {decision, mode, status, user, reason}; off (404) unless ATA_VALIDATE_SECRET is set',
    input: { body: ValidateRequest },
    output: { status: 200, schema: ValidateResponse, description: 'The decision' },
    async handler({ deps, ctx, body }) {
      const decision = headerSafe(
        await deps.authz.check(
          {
            method: body.method.toUpperCase(),
            path: body.path,
            authorization: authorizationList(body.authorization),
            peer: body.remoteAddress,
            headers: lowerCased(body.headers),
          },
          ctx.state.logger as Logger | undefined,
        ),
      );
      return {
        decision: decision.decision,
        mode: decision.mode,
        status: decision.status,
        user: decision.user,
        reason: decision.reason,
        ...(decision.token ? { expiresAt: decision.token.expiresAt?.toISOString() ?? null } : {}),
        ...(decision.retryAfterSeconds ? { retryAfterSeconds: decision.retryAfterSeconds } : {}),
      };
    },
  }),
];
