// Issues, lists, verifies and revokes API tokens. The implementation follows in the next commit;
// this fixes the interface the routes (CORE-API) and the validation plane (AUTHZ) call.
import type { Validity } from '../../shared/validity.ts';
import type { CreateTokenInput, Page, PageOf, RequestContext, TokenFilter, TokenRecord } from './types.ts';

export interface TokenService {
  /** Creates a token (validity checked against the system maximum); the secret is returned only here. */
  create(input: CreateTokenInput, ctx: RequestContext): Promise<{ token: TokenRecord; secret: string }>;
  /** The owner's tokens, newest first (expired ones included, so they can be seen and deleted). */
  list(owner: string): Promise<TokenRecord[]>;
  get(id: string): Promise<TokenRecord | null>;
  /** Deletes one token; with `owner`, only if it belongs to them. False when nothing was deleted (→ 404). */
  delete(id: string, ctx: RequestContext, options?: { owner?: string }): Promise<boolean>;
  /** Deletes every token of a user; returns how many. */
  deleteAllForUser(owner: string, ctx: RequestContext): Promise<number>;
  adminList(filter: TokenFilter, page: Page): Promise<PageOf<TokenRecord>>;
  /** The live token for a secret, or null: no database read unless token-shaped; expired → null. */
  verify(secret: string): Promise<TokenRecord | null>;
  /** Records a use; callers batch this (at most once a minute per token). */
  recordUse(id: string, ip: string | null, at: Date): Promise<void>;
  /** How many tokens outlive `maximum` counted from now, and (with `cap`) shortens them to it. */
  capToMaximum(maximum: Validity, options: { cap: boolean }): Promise<{ exceeding: number; capped: number }>;
}
