import type { Product } from '../config.ts';

export interface DirectoryUser {
  username: string;
  /**
   * The site's immutable user key (Jira `key`, Confluence `userKey`), as the site spells it: a
   * rename keeps it, and a new user given an old name gets a new one. Tokens belong to it.
   */
  key: string;
  displayName: string;
  active: boolean;
  groups: string[];
  isAdmin: boolean;
}

export interface UserSummary {
  username: string;
  displayName: string;
  active: boolean;
}

// What the caller sent; forwarded to the site unchanged.
export interface SiteCredential {
  cookie?: string;
  authorization?: string;
}

// Who a user is, asked from the site. `whoAmI` uses the caller's own credential; the rest use the
// service credential (ATA_SERVICE_AUTH). Site unreachable → AppError 503.
export interface Directory {
  readonly product: Product;
  whoAmI(credential: SiteCredential): Promise<DirectoryUser | null>;
  lookupUser(username: string): Promise<DirectoryUser | null>;
  /** The user holding this key now, whatever their name; null when the site has no such user. */
  lookupUserByKey(key: string): Promise<DirectoryUser | null>;
  searchUsers(query: string, limit: number): Promise<UserSummary[]>;
  searchGroups(query: string, limit: number): Promise<string[]>;
  groupExists(name: string): Promise<boolean>;
  // Resolves when the site answers at all (readiness).
  ping(): Promise<void>;
}

// Per-product REST calls, without caching (createDirectory adds it).
export type ProductDirectory = Directory;

export function credentialHeaders(credential: SiteCredential): Record<string, string> {
  const headers: Record<string, string> = {};
  if (credential.cookie) headers.Cookie = credential.cookie;
  if (credential.authorization) headers.Authorization = credential.authorization;
  return headers;
}
