import type { MalformedReason } from './credentials.ts';

export type AuditAction = 'auth.failed' | 'auth.ip_denied' | 'auth.permission_denied';

interface ReasonRule {
  status: 401 | 403 | 429 | 503;
  audit: AuditAction;
}

const unauthenticated: ReasonRule = { status: 401, audit: 'auth.failed' };
const ipDenied: ReasonRule = { status: 403, audit: 'auth.ip_denied' };
const forbidden: ReasonRule = { status: 403, audit: 'auth.permission_denied' };

/**
 * Every reason a request can be refused for, with its status: 401 (send other credentials)
 * when the credential proves nothing, 403 when it proves who is calling but the rules say no.
 * The names are the machine-readable `X-Api-Token-Auth-Reason` values.
 */
const RULES = {
  'multiple-authorization-headers': unauthenticated,
  'oversized-authorization': unauthenticated,
  'invalid-characters': unauthenticated,
  'empty-authorization': unauthenticated,
  'bad-base64': unauthenticated,
  'no-colon': unauthenticated,
  'empty-username': unauthenticated,
  'bad-token-checksum': unauthenticated,
  'invalid-token': unauthenticated,
  'token-user-mismatch': unauthenticated,
  'user-inactive': forbidden,
  'permission-denied': forbidden,
  'scope-read-only': forbidden,
  'password-auth-disabled': forbidden,
  'ip-not-allowed': ipDenied,
  'token-ip-not-allowed': ipDenied,
  'client-ip-unknown': ipDenied,
  throttled: { status: 429, audit: 'auth.failed' },
  'site-unavailable': { status: 503, audit: 'auth.failed' },
  'store-unavailable': { status: 503, audit: 'auth.failed' },
} satisfies Record<MalformedReason, ReasonRule> & Record<string, ReasonRule>;

export type DenyReason = keyof typeof RULES;
export type Reason = DenyReason | 'ok';

export const DENY_REASONS = Object.keys(RULES) as DenyReason[];

export function denial(reason: DenyReason): {
  decision: 'deny';
  status: ReasonRule['status'];
  reason: DenyReason;
} {
  return { decision: 'deny', status: RULES[reason].status, reason };
}

export function auditActionFor(reason: DenyReason): AuditAction {
  return RULES[reason].audit;
}
