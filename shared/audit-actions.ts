// The actions an audit record can carry: the API's filter schema and the extension's filter list.
export const AUDIT_ACTIONS = [
  'token.created',
  'token.deleted',
  'tokens.deleted_all',
  'tokens.capped',
  'settings.changed',
  'permissions.changed',
  'auth.succeeded',
  'auth.failed',
  'auth.ip_denied',
  'auth.permission_denied',
] as const;

export type AuditActionName = (typeof AUDIT_ACTIONS)[number];
/** The actions the validation plane records for an authentication. */
export type AuthAuditAction = Extract<AuditActionName, `auth.${string}`>;
