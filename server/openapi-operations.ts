import { z } from 'zod';
import type { Tag } from './routes/table.ts';

// The validation plane's proxy endpoints. They answer every REST request of the site, so
// server/app.ts serves them before Koa (server/authz/endpoints.ts): they are not in the route
// table, and are described here for the API document. Everything else is described by its route.

export interface Operation {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  tag: Tag;
  summary: string;
  access: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  // Request headers the operation reads (the validation endpoints take their input from headers).
  headers?: string[];
  ok: { status: number; schema?: z.ZodType; description: string; contentType?: string };
}

export const PROXY_ENDPOINTS: Operation[] = [
  {
    method: 'get',
    path: '/authz/auth-request',
    tag: 'Validation',
    summary:
      'nginx auth_request: decide on the REST request named by the headers; answers only 200, 401 or 403. Allowed: X-Api-Token-Auth-Mode, and in token mode the identity header and X-Api-Token-Expiration',
    access: 'The reverse proxy (requests carry the client’s Authorization header)',
    headers: ['X-Original-Method', 'X-Original-URI', 'Authorization'],
    ok: { status: 200, description: 'Allowed' },
  },
  {
    method: 'get',
    path: '/authz/forward-auth',
    tag: 'Validation',
    summary:
      'Traefik forwardAuth / Caddy forward_auth: the same decision; 429 with Retry-After when throttled',
    access: 'The reverse proxy',
    headers: ['X-Forwarded-Method', 'X-Forwarded-Uri', 'X-Forwarded-For', 'Authorization'],
    ok: { status: 200, description: 'Allowed' },
  },
  {
    method: 'get',
    path: '/authz/ext-authz/{path}',
    tag: 'Validation',
    summary:
      'Envoy ext_authz (HTTP service): any method, the original path appended; only exactly 200 allows',
    access: 'The reverse proxy',
    params: z.strictObject({ path: z.string() }),
    headers: ['Authorization', 'X-Real-IP'],
    ok: { status: 200, description: 'Allowed' },
  },
];
