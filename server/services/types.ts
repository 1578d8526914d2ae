// Domain types the services hand to routes (CORE-API) and to the validation plane (AUTHZ).
// Timestamps are Date objects; they serialise to ISO strings in JSON responses. The vocabulary
// (scopes, audit actions, the settings document) is declared once, as the zod schemas of shared/.
import type { AuditAction, Scope, Settings } from '../../shared/api.ts';
import type { PermissionSet } from '../../shared/permissions.ts';
import type { Validity } from '../../shared/validity.ts';

export type { AuditAction, Settings };
export type TokenScope = Scope;

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

/** The API token a request authenticated with: what a token it creates may not exceed. */
export interface ViaToken {
  id: string;
  name: string;
  expiresAt: Date | null;
  ipAllowlist: string[];
  scope: TokenScope;
}

/** Who is acting and from where: recorded in the audit log for every change. */
export interface RequestContext {
  actor: string;
  remoteIp: string | null;
  /** Set by identify when the caller authenticated with one of our API tokens. */
  viaToken?: ViaToken | null;
}

/** A site user as tokens refer to them: the key decides, the name is what people see. */
export interface TokenOwner {
  username: string;
  key: string;
}

/** Who asks for a token to be created, as the site and the permissions say (identify's Caller). */
export interface TokenIssuer extends TokenOwner {
  isAdmin: boolean;
  permissions: PermissionSet;
}

/** What a caller asks for; the owner comes from who is asking or from the site. */
export type TokenRequest = Omit<CreateTokenInput, 'owner' | 'ownerKey'>;

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
