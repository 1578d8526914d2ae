import { z } from 'zod';
import * as api from '../shared/api.ts';
import { PutSettingsRequest } from './routes/admin-settings.ts';
import { ValidateRequest } from './routes/validate.ts';

// Every operation of the companion, described once: server/openapi.ts turns this table and the zod
// schemas into the OpenAPI document, and the docs page renders it.

export interface Operation {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  tag: 'Me' | 'Tokens' | 'Administration' | 'Audit' | 'Validation' | 'Health' | 'Documentation';
  summary: string;
  access: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  // Request headers the operation reads (the validation endpoints take their input from headers).
  headers?: string[];
  ok: { status: number; schema?: z.ZodType; description: string; contentType?: string };
}

const TokenId = api.TokenIdParams;
const User = api.UsernameParams;
const anyone = 'Any user logged in to the site (session cookie) or calling with one of their own API tokens';
const admins = 'Site administrators';

export const OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/me',
    tag: 'Me',
    summary: 'Who am I, what may I do, which validities may I choose',
    access: anyone,
    ok: { status: 200, schema: api.Me, description: 'The caller' },
  },
  {
    method: 'get',
    path: '/api/v1/tokens',
    tag: 'Tokens',
    summary: "List the caller's tokens",
    access: anyone,
    ok: { status: 200, schema: api.TokenList, description: 'Tokens, newest first' },
  },
  {
    method: 'post',
    path: '/api/v1/tokens',
    tag: 'Tokens',
    summary: 'Create a token; the secret is returned only here',
    access: 'Holders of createOwnTokens',
    body: api.CreateTokenRequest,
    ok: { status: 201, schema: api.CreateTokenResponse, description: 'The new token and its secret' },
  },
  {
    method: 'delete',
    path: '/api/v1/tokens',
    tag: 'Tokens',
    summary: "Delete all of the caller's tokens",
    access: anyone,
    ok: { status: 200, schema: api.DeletedResponse, description: 'How many were deleted' },
  },
  {
    method: 'delete',
    path: '/api/v1/tokens/{id}',
    tag: 'Tokens',
    summary: "Delete one of your tokens (another user's id answers 404)",
    access: anyone,
    params: TokenId,
    ok: { status: 204, description: 'Deleted' },
  },
  {
    method: 'get',
    path: '/api/v1/admin/settings',
    tag: 'Administration',
    summary: 'System-wide settings',
    access: admins,
    ok: { status: 200, schema: api.Settings, description: 'The settings document' },
  },
  {
    method: 'put',
    path: '/api/v1/admin/settings',
    tag: 'Administration',
    summary:
      'Replace the settings; reports (and with capExistingTokens caps) tokens beyond a lowered maximum',
    access: admins,
    body: PutSettingsRequest,
    query: api.PutSettingsQuery,
    ok: { status: 200, schema: api.PutSettingsResponse, description: 'Saved' },
  },
  {
    method: 'get',
    path: '/api/v1/admin/permissions',
    tag: 'Administration',
    summary: 'The three token permissions',
    access: admins,
    ok: { status: 200, schema: api.Permissions, description: 'The permissions document' },
  },
  {
    method: 'put',
    path: '/api/v1/admin/permissions',
    tag: 'Administration',
    summary: 'Replace the permissions; warnings never block the save',
    access: admins,
    body: api.Permissions,
    ok: { status: 200, schema: api.PutPermissionsResponse, description: 'Saved, with warnings' },
  },
  {
    method: 'get',
    path: '/api/v1/admin/tokens',
    tag: 'Administration',
    summary: "All users' tokens, filtered and paginated",
    access: admins,
    query: api.AdminTokensQuery,
    ok: { status: 200, schema: api.TokenPage, description: 'One page' },
  },
  {
    method: 'post',
    path: '/api/v1/admin/users/{username}/tokens',
    tag: 'Administration',
    summary: 'Create a token on behalf of a site user',
    access:
      'Holders of createTokensForOthers (site administrators always); for a site administrator, site administrators only',
    params: User,
    body: api.CreateTokenRequest,
    ok: { status: 201, schema: api.CreateTokenResponse, description: 'The new token and its secret' },
  },
  {
    method: 'delete',
    path: '/api/v1/admin/users/{username}/tokens',
    tag: 'Administration',
    summary: "Delete all of a user's tokens",
    access: admins,
    params: User,
    ok: { status: 200, schema: api.DeletedResponse, description: 'How many were deleted' },
  },
  {
    method: 'delete',
    path: '/api/v1/admin/tokens/{id}',
    tag: 'Administration',
    summary: "Delete any user's token",
    access: admins,
    params: TokenId,
    ok: { status: 204, description: 'Deleted' },
  },
  {
    method: 'get',
    path: '/api/v1/admin/users/search',
    tag: 'Administration',
    summary: 'Find site users (for pickers)',
    access: admins,
    query: api.SearchQuery,
    ok: { status: 200, schema: api.UserSearchResponse, description: 'Matching users' },
  },
  {
    method: 'get',
    path: '/api/v1/admin/groups/search',
    tag: 'Administration',
    summary: 'Find site groups (for pickers)',
    access: admins,
    query: api.SearchQuery,
    ok: { status: 200, schema: api.GroupSearchResponse, description: 'Matching groups' },
  },
  {
    method: 'get',
    path: '/api/v1/admin/audit',
    tag: 'Audit',
    summary: 'Audit records, filtered and paginated (append-only)',
    access: admins,
    query: api.AuditQuery,
    ok: { status: 200, schema: api.AuditPage, description: 'One page' },
  },
  {
    method: 'get',
    path: '/api/v1/admin/audit/export',
    tag: 'Audit',
    summary: 'Export audit records as CSV or JSON Lines',
    access: admins,
    query: api.AuditExportQuery,
    ok: { status: 200, description: 'A file', contentType: 'text/csv' },
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    tag: 'Documentation',
    summary: 'This document',
    access: 'Anyone',
    ok: { status: 200, description: 'OpenAPI 3.1', contentType: 'application/json' },
  },
  {
    method: 'get',
    path: '/api/v1/docs',
    tag: 'Documentation',
    summary: 'Readable documentation of this API',
    access: 'Anyone',
    ok: { status: 200, description: 'HTML', contentType: 'text/html' },
  },
  {
    method: 'get',
    path: '/healthz',
    tag: 'Health',
    summary: 'The process is up',
    access: 'Anyone',
    ok: { status: 200, schema: api.Health, description: 'Up' },
  },
  {
    method: 'get',
    path: '/api/v1/admin/throttles',
    tag: 'Administration',
    summary: 'Client addresses and usernames blocked after repeated failed token attempts',
    access: admins,
    ok: { status: 200, description: '{items: [...]}', contentType: 'application/json' },
  },
  {
    method: 'delete',
    path: '/api/v1/admin/throttles/addresses/{address}',
    tag: 'Administration',
    summary: 'Lift the block on a client address (IPv6: on its /64, as listed)',
    access: admins,
    params: z.strictObject({ address: z.string() }),
    ok: { status: 204, description: 'Lifted' },
  },
  {
    method: 'delete',
    path: '/api/v1/admin/throttles/users/{username}',
    tag: 'Administration',
    summary: 'Lift the block on a username',
    access: admins,
    params: User,
    ok: { status: 204, description: 'Lifted' },
  },
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
  {
    method: 'post',
    path: '/api/v1/validate',
    tag: 'Validation',
    summary:
      'For a plugin inside the site: the decision as JSON {decision, mode, status, user, reason}; off (404) unless ATA_VALIDATE_SECRET is set',
    access: 'Callers presenting Authorization: Bearer <ATA_VALIDATE_SECRET>',
    body: ValidateRequest,
    ok: { status: 200, description: 'The decision', contentType: 'application/json' },
  },
  {
    method: 'get',
    path: '/readyz',
    tag: 'Health',
    summary: 'The database and the site are reachable (503 otherwise)',
    access: 'Anyone',
    ok: { status: 200, schema: api.Health, description: 'Ready' },
  },
];
