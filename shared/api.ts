// The management API's request and response bodies: zod schemas (the server validates with them and
// generates its OpenAPI document from them) and the inferred types the extension imports.
// No Node imports: the extension bundles this file.
import { z } from 'zod';
import { isAddressOrRange } from './addresses.ts';
import { AUDIT_ACTIONS } from './audit-actions.ts';
import { PERMISSION_NAMES, PERMISSION_WARNING_CODES } from './permissions.ts';
import { VALIDITY_OPTIONS } from './validity.ts';

export const API_PREFIX = '/api/v1';

// Control characters and lone surrogates make names unreadable and break exports.
const printable = /^[^\p{Cc}\p{Cs}\u2028\u2029]*$/u;

export const Validity = z
  .enum(VALIDITY_OPTIONS)
  .meta({ id: 'Validity', description: 'ISO-8601 period or never' });
export const Scope = z.enum(['read-only', 'read-write']).meta({ id: 'Scope' });
export type Scope = z.infer<typeof Scope>;
export const AuditAction = z.enum(AUDIT_ACTIONS).meta({ id: 'AuditAction' });
export type AuditAction = z.infer<typeof AuditAction>;
export const Product = z.enum(['jira', 'confluence']);
const Timestamp = z.iso.datetime({ offset: true });

export const IpRange = z
  .string()
  .trim()
  .max(64)
  .refine(isAddressOrRange, { error: (issue) => `not an IP address or CIDR range: ${String(issue.input)}` });
const IpList = z.array(IpRange).max(100);

const Username = z.string().trim().min(1).max(255).regex(printable, 'must not contain control characters');
const GroupName = z.string().trim().min(1).max(255).regex(printable, 'must not contain control characters');

// ---- tokens ---------------------------------------------------------------------------------
export const Token = z
  .object({
    id: z.string(),
    owner: z.string(),
    name: z.string(),
    scope: Scope,
    ipAllowlist: z.array(z.string()),
    createdAt: Timestamp,
    expiresAt: Timestamp.nullable(),
    lastUsedAt: Timestamp.nullable(),
    lastUsedIp: z.string().nullable(),
    createdBy: z.string(),
    hint: z.string().meta({ description: 'Last four characters of the secret' }),
    siteCredential: z.enum(['ready', 'pending', 'refused']).optional().meta({
      description:
        'Site-token mode: ready (the site accepts it), pending (works once its owner has opened the site once) or refused (the site no longer accepts the owner’s credential; renewed at their next visit)',
    }),
  })
  .meta({ id: 'Token' });
export type Token = z.infer<typeof Token>;

export const TokenList = z.array(Token);

export const CreateTokenRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(100).regex(printable, 'must not contain control characters'),
    validity: Validity,
    scope: Scope.optional().meta({ description: 'Default read-write; forced to read-only by the settings' }),
    ipAllowlist: IpList.optional(),
  })
  .meta({ id: 'CreateTokenRequest' });
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

export const CreateTokenResponse = z
  .object({ token: Token, secret: z.string().meta({ description: 'Shown once; never retrievable again' }) })
  .meta({ id: 'CreateTokenResponse' });
export type CreateTokenResponse = z.infer<typeof CreateTokenResponse>;

export const DeletedResponse = z.object({ deleted: z.number().int() }).meta({ id: 'DeletedResponse' });
export type DeletedResponse = z.infer<typeof DeletedResponse>;

export const TokenIdParams = z.strictObject({ id: z.string().min(1).max(64) });
export const UsernameParams = z.strictObject({ username: Username });

// ---- me -------------------------------------------------------------------------------------
export const PermissionSet = z.object({
  useTokens: z.boolean(),
  createOwnTokens: z.boolean(),
  createTokensForOthers: z.boolean(),
});

export const Me = z
  .object({
    username: z.string(),
    displayName: z.string(),
    isAdmin: z.boolean(),
    product: Product,
    permissions: PermissionSet,
    validityOptions: z.array(Validity),
    maxValidity: Validity,
    forceReadOnlyScope: z.boolean(),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

// ---- settings -------------------------------------------------------------------------------
/**
 * What the site receives for an allowed token. `site-token` (default): the owner's own site
 * personal access token as Bearer, which every Jira >= 8.14 and Confluence >= 7.9 accepts.
 * `identity-header`: the owner's name in an identity header, for sites with a header
 * authenticator that trusts the proxy.
 */
export const SiteCredentialMode = z.enum(['site-token', 'identity-header']);
export type SiteCredentialMode = z.infer<typeof SiteCredentialMode>;

export const Settings = z
  .strictObject({
    maxValidity: Validity,
    ipAllowlist: IpList,
    reverseProxy: z.strictObject({
      enabled: z.boolean(),
      trustedProxies: IpList,
      clientIpHeader: z
        .string()
        .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, 'must be an HTTP header name such as X-Forwarded-For'),
    }),
    passwordBasicAuth: z.boolean(),
    auditAuthentications: z.boolean(),
    forceReadOnlyScope: z.boolean(),
    siteCredentialMode: SiteCredentialMode.default('site-token'),
  })
  .meta({ id: 'Settings' });
export type Settings = z.infer<typeof Settings>;

export const PutSettingsQuery = z.strictObject({
  capExistingTokens: z.enum(['true', 'false']).optional(),
});

export const PutSettingsResponse = z
  .object({
    settings: Settings,
    exceedingTokens: z.number().int().meta({ description: 'Existing tokens that outlive the new maximum' }),
    cappedTokens: z.number().int().meta({ description: 'Tokens whose expiry was lowered to the maximum' }),
  })
  .meta({ id: 'PutSettingsResponse' });
export type PutSettingsResponse = z.infer<typeof PutSettingsResponse>;

// ---- webhook --------------------------------------------------------------------------------
/** What the optional webhook sends (README "Webhook"); `test` only from the test button. */
export const WEBHOOK_EVENTS = [
  'token.expiring_7d',
  'token.expiring_1d',
  'token.expired',
  'token.created_for_user',
  'token.revoked_by_admin',
  'test',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const WebhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048)
  .nullable();

/** The webhook as GET answers it: whether a signing secret is stored, never the secret. */
export const WebhookSettings = z
  .object({
    enabled: z.boolean(),
    url: WebhookUrl,
    secretSet: z.boolean().meta({ description: 'Whether a signing secret is stored' }),
  })
  .meta({ id: 'WebhookSettings' });
export type WebhookSettings = z.infer<typeof WebhookSettings>;

export const PutWebhookSettings = z
  .strictObject({
    enabled: z.boolean(),
    url: WebhookUrl,
    secret: z.string().min(16).max(256).nullable().optional().meta({
      description: 'A new signing secret (16-256 characters); left out keeps the stored one, null removes it',
    }),
  })
  .meta({ id: 'PutWebhookSettings' });
export type PutWebhookSettings = z.infer<typeof PutWebhookSettings>;

export const WebhookTestResult = z
  .object({
    delivered: z.boolean().meta({ description: 'The receiver answered 2xx' }),
    status: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The receiver’s HTTP status; null when none came' }),
    error: z.string().optional().meta({ description: 'Why nothing was delivered' }),
  })
  .meta({ id: 'WebhookTestResult' });
export type WebhookTestResult = z.infer<typeof WebhookTestResult>;

// ---- permissions ----------------------------------------------------------------------------
export const PermissionGrant = z.strictObject({ everyone: z.boolean(), groups: z.array(GroupName).max(100) });
export const Permissions = z
  .strictObject({
    useTokens: PermissionGrant,
    createOwnTokens: PermissionGrant,
    createTokensForOthers: PermissionGrant,
  })
  .meta({ id: 'Permissions' });
export type Permissions = z.infer<typeof Permissions>;

export const PermissionWarning = z
  .object({
    code: z.enum(PERMISSION_WARNING_CODES),
    permission: z.enum(PERMISSION_NAMES),
    message: z.string(),
  })
  .meta({ id: 'PermissionWarning' });
export type PermissionWarning = z.infer<typeof PermissionWarning>;

export const PutPermissionsResponse = z
  .object({ permissions: Permissions, warnings: z.array(PermissionWarning) })
  .meta({ id: 'PutPermissionsResponse' });
export type PutPermissionsResponse = z.infer<typeof PutPermissionsResponse>;

// ---- admin lists ----------------------------------------------------------------------------
const Limit = z.coerce.number().int().min(1).max(500).default(50);
const Offset = z.coerce.number().int().min(0).max(10_000_000).default(0);
const QueryTime = z.iso.datetime({ offset: true });

export const AdminTokensQuery = z.strictObject({
  user: Username.optional(),
  name: z.string().max(100).optional(),
  createdFrom: QueryTime.optional(),
  createdTo: QueryTime.optional(),
  expiresFrom: QueryTime.optional(),
  expiresTo: QueryTime.optional(),
  lastUsedFrom: QueryTime.optional(),
  lastUsedTo: QueryTime.optional(),
  limit: Limit,
  offset: Offset,
});
export type AdminTokensQuery = z.infer<typeof AdminTokensQuery>;

export const TokenPage = z
  .object({ items: TokenList, total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .meta({ id: 'TokenPage' });
export type TokenPage = z.infer<typeof TokenPage>;

export const AuditRecord = z
  .object({
    id: z.number().int(),
    at: Timestamp,
    actor: z.string(),
    action: AuditAction,
    subjectUser: z.string().nullable(),
    tokenId: z.string().nullable(),
    tokenName: z.string().nullable(),
    remoteIp: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AuditRecord' });
export type AuditRecord = z.infer<typeof AuditRecord>;

const auditFilters = {
  actor: Username.optional(),
  action: AuditAction.optional(),
  subjectUser: Username.optional(),
  tokenId: z.string().max(64).optional(),
  from: QueryTime.optional(),
  to: QueryTime.optional(),
};
export const AuditQuery = z.strictObject({ ...auditFilters, limit: Limit, offset: Offset });
export type AuditQuery = z.infer<typeof AuditQuery>;
export const AuditExportQuery = z.strictObject({
  ...auditFilters,
  format: z.enum(['csv', 'jsonl']).default('csv'),
});

export const AuditPage = z
  .object({
    items: z.array(AuditRecord),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof AuditPage>;

// ---- pickers --------------------------------------------------------------------------------
export const SearchQuery = z.strictObject({
  q: z.string().trim().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const UserSearchResponse = z
  .object({
    users: z.array(z.object({ username: z.string(), displayName: z.string(), active: z.boolean() })),
  })
  .meta({ id: 'UserSearchResponse' });
export type UserSearchResponse = z.infer<typeof UserSearchResponse>;
export const GroupSearchResponse = z
  .object({ groups: z.array(z.string()) })
  .meta({ id: 'GroupSearchResponse' });
export type GroupSearchResponse = z.infer<typeof GroupSearchResponse>;

// ---- validation -----------------------------------------------------------------------------
/** How a request was decided: a site session, one of our tokens, a password, or nothing to check. */
export const DecisionMode = z.enum(['session', 'token', 'password', 'passthrough']);
export type DecisionMode = z.infer<typeof DecisionMode>;

// ---- throttles ------------------------------------------------------------------------------
export const ThrottleList = z
  .object({
    items: z.array(
      z.object({
        kind: z.enum(['address', 'user']),
        key: z.string().meta({ description: 'The client address (IPv6: its /64) or the username' }),
        failures: z.number().int(),
        blockedUntil: Timestamp,
      }),
    ),
  })
  .meta({ id: 'ThrottleList' });
export type ThrottleList = z.infer<typeof ThrottleList>;

// ---- health and errors ----------------------------------------------------------------------
// Only ok or unavailable: the probe is public, so why a check failed goes to the log, not here.
const CheckStatus = z.enum(['ok', 'unavailable']);
export const Health = z
  .strictObject({
    status: CheckStatus,
    checks: z
      .strictObject({
        database: CheckStatus,
        site: CheckStatus,
        // PostgreSQL only: whether changes made by the other companions are heard. While they are
        // not, the companion stays ready and keeps its caches for a second at most.
        notifications: CheckStatus.optional(),
      })
      .optional(),
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof Health>;

export const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;
