// Domain types the services hand to routes (CORE-API) and to the validation plane (AUTHZ).
// Timestamps are Date objects; they serialise to ISO strings in JSON responses.
import type { Validity } from '../../shared/validity.ts';

export type TokenScope = 'read-only' | 'read-write';

export interface TokenRecord {
  id: string;
  /** Lower-cased site username (the current one once the token was checked after a rename). */
  owner: string;
  /**
   * The owner's immutable site user key (Jira `key`, Confluence `userKey`), stored exactly as the
   * site spells it; null for tokens from before keys were stored, until their next successful check.
   */
  ownerKey: string | null;
  name: string;
  scope: TokenScope;
  /** Addresses or CIDR ranges; empty allows every client address. */
  ipAllowlist: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  /** Lower-cased username of whoever created it (the owner, or an administrator on their behalf). */
  createdBy: string;
  /** Last four characters of the secret, for display. */
  hint: string;
}

/** Who is acting and from where: recorded in the audit log for every change. */
export interface RequestContext {
  actor: string;
  remoteIp: string | null;
}

/** A site user as tokens refer to them: the key decides, the name is what people see. */
export interface TokenOwner {
  username: string;
  key: string;
}

export interface CreateTokenInput {
  owner: string;
  /**
   * The owner's site user key, from the same directory answer that gave `owner`. The routes always
   * pass it; without it (tests, seeding) the token is bound by name at its first successful check.
   */
  ownerKey?: string;
  name: string;
  validity: Validity;
  scope?: TokenScope;
  ipAllowlist?: string[];
}

/** Range filters are inclusive at `From` and exclusive at `To`; either end may be left open. */
export interface TokenFilter {
  /** Exact owner (case-insensitive). */
  user?: string;
  /** Substring of the token name (case-insensitive). */
  name?: string;
  createdFrom?: Date;
  createdTo?: Date;
  expiresFrom?: Date;
  expiresTo?: Date;
  lastUsedFrom?: Date;
  lastUsedTo?: Date;
}

export interface Page {
  limit: number;
  offset: number;
}

export interface PageOf<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Settings {
  maxValidity: Validity;
  ipAllowlist: string[];
  reverseProxy: {
    enabled: boolean;
    trustedProxies: string[];
    clientIpHeader: string;
  };
  passwordBasicAuth: boolean;
  auditAuthentications: boolean;
  forceReadOnlyScope: boolean;
}

export type AuditAction =
  | 'token.created'
  | 'token.deleted'
  | 'tokens.deleted_all'
  | 'tokens.capped'
  | 'settings.changed'
  | 'permissions.changed'
  | 'auth.succeeded'
  | 'auth.failed'
  | 'auth.ip_denied'
  | 'auth.permission_denied';

export interface AuditRecord {
  id: number;
  at: Date;
  actor: string;
  action: AuditAction;
  subjectUser: string | null;
  tokenId: string | null;
  tokenName: string | null;
  remoteIp: string | null;
  details: Record<string, unknown> | null;
}

/** What a caller records; the service adds the id and the time from its clock. */
export interface NewAuditRecord {
  actor: string;
  action: AuditAction;
  subjectUser?: string | null;
  tokenId?: string | null;
  tokenName?: string | null;
  remoteIp?: string | null;
  details?: Record<string, unknown> | null;
}

export interface AuditFilter {
  actor?: string;
  action?: AuditAction;
  subjectUser?: string;
  tokenId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}
