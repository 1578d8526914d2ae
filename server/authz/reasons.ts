import type { AuthAuditAction as AuditAction } from '../../shared/audit-actions.ts';
import type { MalformedReason } from './credentials.ts';

/**
 * One row per outcome of a token, password or session check, whichever plane asked: the status a
 * proxy protocol answers, the error code the management API answers with (the same status), the
 * audit action, and the message. nginx `auth_request` can only say 401 or 403, so its endpoint
 * maps the others to 403 (server/authz/http.ts); every other plane answers the status as it is.
 */
interface ReasonRule {
  status: 401 | 403 | 429 | 503;
  /** The management API's `error.code`. */
  code: string;
  audit: AuditAction;
  message: string;
}

const unauthenticated = (message: string): ReasonRule => ({
  status: 401,
  code: 'unauthorized',
  audit: 'auth.failed',
  message,
});
const ipDenied = (message: string): ReasonRule => ({
  status: 403,
  code: 'ip_denied',
  audit: 'auth.ip_denied',
  message,
});
const forbidden = (code: string, message: string): ReasonRule => ({
  status: 403,
  code,
  audit: 'auth.permission_denied',
  message,
});
const unavailable = (message: string): ReasonRule => ({
  status: 503,
  code: 'service_unavailable',
  audit: 'auth.failed',
  message,
});

/**
 * Every reason a request can be refused for: 401 (send other credentials) when the credential
 * proves nothing, 403 when it proves who is calling but the rules say no. The names are the
 * machine-readable `X-Api-Token-Auth-Reason` values; the messages go into the short JSON body
 * and never name a secret.
 */
const RULES = {
  'multiple-authorization-headers': unauthenticated('Send exactly one Authorization header.'),
  'oversized-authorization': unauthenticated('The Authorization header is too long.'),
  'invalid-characters': unauthenticated('The Authorization header contains control characters.'),
  'empty-authorization': unauthenticated('The Authorization header is empty.'),
  'bad-base64': unauthenticated('The Basic credential is not valid base64.'),
  'no-colon': unauthenticated('The Basic credential must be username:token.'),
  'empty-username': unauthenticated('The Basic credential has no username.'),
  'bad-token-checksum': unauthenticated('This is not a valid API token (mistyped or truncated?).'),
  'two-tokens': unauthenticated('Send one API token: as username:token, or as the token alone.'),
  'mixed-credentials': unauthenticated(
    'Send credentials in the Authorization header or in the query, not in both.',
  ),
  'token-in-query': unauthenticated('Send API tokens in the Authorization header, never in the URL.'),
  'invalid-token': unauthenticated('The API token is unknown, expired or deleted.'),
  'token-user-mismatch': unauthenticated('The API token does not belong to this user.'),
  'user-inactive': forbidden(
    'user_inactive',
    'The owner of this API token is not an active user of the site.',
  ),
  'permission-denied': forbidden(
    'permission_denied',
    'The owner of this API token is not allowed to use API tokens.',
  ),
  'scope-read-only': forbidden(
    'read_only_token',
    'This API token is read-only: only GET, HEAD and OPTIONS are allowed, without method overrides.',
  ),
  'path-not-allowed': forbidden(
    'path_not_allowed',
    'API tokens work on the REST API and attachment downloads only, not on web pages.',
  ),
  'site-credential-pending': forbidden(
    'site_credential_pending',
    'This API token works once its owner has opened the site in a browser while logged in.',
  ),
  'site-credential-refused': forbidden(
    'site_credential_refused',
    'The site no longer accepts its owner’s credential for this token; the owner opening the site renews it.',
  ),
  'password-auth-disabled': forbidden(
    'password_auth_disabled',
    'Password authentication is switched off for REST calls: use an API token.',
  ),
  // A user name that cannot travel in an HTTP header (e.g. non-ASCII) cannot be asserted to the site.
  'username-not-representable': forbidden(
    'username_not_representable',
    'This user name cannot be passed on to the site in a header.',
  ),
  'ip-not-allowed': ipDenied('Requests with credentials are not allowed from this address.'),
  'token-ip-not-allowed': ipDenied('This API token may not be used from this address.'),
  'client-ip-unknown': ipDenied('The client address could not be determined.'),
  throttled: {
    status: 429,
    code: 'throttled',
    audit: 'auth.failed',
    message: 'Too many failed API token attempts: try again later.',
  },
  'site-unavailable': unavailable('The site could not be asked about this user; try again shortly.'),
  'store-unavailable': unavailable('The token store is unavailable; try again shortly.'),
  // A fault of the companion itself while checking: refused (fail closed), never a 500.
  'internal-error': unavailable('The request could not be checked; try again shortly.'),
} satisfies Record<MalformedReason, ReasonRule> & Record<string, ReasonRule>;

export type DenyReason = keyof typeof RULES;
export type Reason = DenyReason | 'ok';

export const DENY_REASONS = Object.keys(RULES) as DenyReason[];

/** The HTTP status a refusal for this reason gets. */
export function statusFor(reason: DenyReason): ReasonRule['status'] {
  return RULES[reason].status;
}

/** The management API's error code for this reason. */
export function codeFor(reason: DenyReason): string {
  return RULES[reason].code;
}

export function denial(reason: DenyReason): {
  decision: 'deny';
  status: ReasonRule['status'];
  reason: DenyReason;
} {
  return { decision: 'deny', status: statusFor(reason), reason };
}

export function auditActionFor(reason: Reason): AuditAction {
  return reason === 'ok' ? 'auth.succeeded' : RULES[reason].audit;
}

export function messageFor(reason: Reason): string {
  return reason === 'ok' ? 'Allowed.' : RULES[reason].message;
}
