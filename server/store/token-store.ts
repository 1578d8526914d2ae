// The tokens table. Owners and creators are stored lower-cased, so comparisons are exact matches.
// The owner's site user key is stored as the site spells it: it is an identifier, not a name.
import type { Knex } from 'knex';
import type { Page, PageOf, TokenFilter, TokenOwner, TokenRecord, TokenScope } from '../services/types.ts';
import { countOf, fromMillis, fromMillisOrNull, toMillis, whereBetween, whereContains } from './columns.ts';

export interface NewTokenRow extends Omit<TokenRecord, 'lastUsedAt' | 'lastUsedIp' | 'ownerKey'> {
  secretHash: string;
  /** Absent only for rows seeded without a site (benchmarks); they are bound at their first check. */
  ownerKey?: string | null;
}

export interface TokenRow {
  id: string;
  owner: string;
  owner_key: string | null;
  name: string;
  secret_hash: string;
  hint: string;
  scope: string;
  ip_allowlist: string;
  created_at: number | string;
  expires_at: number | string | null;
  last_used_at: number | string | null;
  last_used_ip: string | null;
  created_by: string;
}

const PUBLIC_COLUMNS = [
  'id',
  'owner',
  'owner_key',
  'name',
  'hint',
  'scope',
  'ip_allowlist',
  'created_at',
  'expires_at',
  'last_used_at',
  'last_used_ip',
  'created_by',
];

function mapRow(row: Omit<TokenRow, 'secret_hash'>): TokenRecord {
  return {
    id: row.id,
    owner: row.owner,
    ownerKey: row.owner_key,
    name: row.name,
    scope: row.scope as TokenScope,
    ipAllowlist: JSON.parse(row.ip_allowlist) as string[],
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillisOrNull(row.expires_at),
    lastUsedAt: fromMillisOrNull(row.last_used_at),
    lastUsedIp: row.last_used_ip,
    createdBy: row.created_by,
    hint: row.hint,
  };
}

function toRow(token: NewTokenRow): TokenRow {
  return {
    id: token.id,
    owner: token.owner.toLowerCase(),
    owner_key: token.ownerKey ?? null,
    name: token.name,
    secret_hash: token.secretHash,
    hint: token.hint,
    scope: token.scope,
    ip_allowlist: JSON.stringify(token.ipAllowlist),
    created_at: toMillis(token.createdAt),
    expires_at: toMillis(token.expiresAt),
    last_used_at: null,
    last_used_ip: null,
    created_by: token.createdBy.toLowerCase(),
  };
}

/**
 * Whose rows: a TokenOwner is the person (rows bound to their key, plus unbound rows under their
 * name), so a renamed user keeps their tokens and a newcomer with an old name gets none of them.
 * A bare name is the rows stored under that name, as the administrator's views show them.
 */
function whereOwner(query: Knex.QueryBuilder, owner: string | TokenOwner): Knex.QueryBuilder {
  if (typeof owner === 'string') return query.where('owner', owner.toLowerCase());
  return query.where((q) =>
    q
      .where('owner_key', owner.key)
      .orWhere((unbound) => unbound.whereNull('owner_key').andWhere('owner', owner.username.toLowerCase())),
  );
}

/** The lookup by secret hash as plain SQL, for the statement SQLite keeps prepared. */
export const FIND_BY_HASH_SQL = 'select * from tokens where secret_hash = ? limit 1';

/** Runs FIND_BY_HASH_SQL faster than the query builder can; see sqlite-reader.ts. */
export type HashLookup = (secretHash: string) => Promise<TokenRow | undefined>;

export class TokenStore {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly lookupByHash?: HashLookup,
  ) {}

  async insert(token: NewTokenRow): Promise<TokenRecord> {
    const row = toRow(token);
    await this.db('tokens').insert(row);
    return mapRow(row);
  }

  /** Bulk insert in chunks (seeding, benchmarks). */
  async insertMany(tokens: NewTokenRow[]): Promise<void> {
    await this.db.batchInsert('tokens', tokens.map(toRow), 500);
  }

  async findById(id: string): Promise<TokenRecord | null> {
    const row = await this.db('tokens').select(PUBLIC_COLUMNS).where({ id }).first();
    return row ? mapRow(row) : null;
  }

  /** The token and its stored hash (for the constant-time compare), by the unique hash index. */
  async findByHash(secretHash: string): Promise<{ token: TokenRecord; secretHash: string } | null> {
    const row: TokenRow | undefined = this.lookupByHash
      ? await this.lookupByHash(secretHash)
      : await this.db('tokens').where({ secret_hash: secretHash }).first();
    return row ? { token: mapRow(row), secretHash: row.secret_hash } : null;
  }

  async listByOwner(owner: string | TokenOwner): Promise<TokenRecord[]> {
    const rows = await whereOwner(this.db('tokens').select(PUBLIC_COLUMNS), owner).orderBy([
      { column: 'created_at', order: 'desc' },
      'id',
    ]);
    return rows.map(mapRow);
  }

  async search(filter: TokenFilter, page: Page): Promise<PageOf<TokenRecord>> {
    const query = this.db('tokens').select(PUBLIC_COLUMNS);
    if (filter.user) query.where('owner', filter.user.toLowerCase());
    if (filter.name) whereContains(query, 'name', filter.name);
    whereBetween(query, 'created_at', filter.createdFrom, filter.createdTo);
    whereBetween(query, 'expires_at', filter.expiresFrom, filter.expiresTo);
    whereBetween(query, 'last_used_at', filter.lastUsedFrom, filter.lastUsedTo);
    const total = await countOf(query);
    const rows = await query
      .orderBy([{ column: 'created_at', order: 'desc' }, 'id'])
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(mapRow), total, limit: page.limit, offset: page.offset };
  }

  /** Deletes one token (only the owner's when `owner` is given); returns what was deleted. */
  async deleteById(id: string, owner?: string | TokenOwner): Promise<TokenRecord | null> {
    const mine = (query: Knex.QueryBuilder) =>
      owner === undefined ? query.where({ id }) : whereOwner(query.where({ id }), owner);
    const row = await mine(this.db('tokens').select(PUBLIC_COLUMNS)).first();
    if (!row) return null;
    await mine(this.db('tokens')).delete();
    return mapRow(row);
  }

  /** Deletes every token of a user; returns what was deleted. */
  async deleteByOwner(owner: string | TokenOwner): Promise<TokenRecord[]> {
    const rows = await whereOwner(this.db('tokens').select(PUBLIC_COLUMNS), owner);
    if (rows.length > 0) await whereOwner(this.db('tokens'), owner).delete();
    return rows.map(mapRow);
  }

  /**
   * Binds a token to its owner's key and files it under their current name. A row without a key
   * is bound only under the name it already has (the site's answer for that name); a bound row
   * only ever follows its own key, so no call can hand a token to someone else. The owner's other
   * bound tokens take the new name too. True when the token now carries `owner.key`.
   */
  async bindOwner(id: string, owner: TokenOwner): Promise<boolean> {
    const name = owner.username.toLowerCase();
    const bound = await whereOwner(this.db('tokens').where({ id }), owner).update({
      owner_key: owner.key,
      owner: name,
    });
    if (bound === 0) return false;
    await this.db('tokens').where({ owner_key: owner.key }).whereNot({ owner: name }).update({ owner: name });
    return true;
  }

  async recordUse(id: string, ip: string | null, at: Date): Promise<void> {
    await this.db('tokens')
      .where({ id })
      .update({ last_used_at: toMillis(at), last_used_ip: ip });
  }

  /** Tokens that never expire or expire after `limit`. */
  private outliving(limit: Date): Knex.QueryBuilder {
    return this.db('tokens').where((q) =>
      q.whereNull('expires_at').orWhere('expires_at', '>', limit.getTime()),
    );
  }

  async countOutliving(limit: Date): Promise<number> {
    return countOf(this.outliving(limit));
  }

  /** Lowers the expiry of every token outliving `limit` to it; returns how many changed. */
  async capExpiry(limit: Date): Promise<number> {
    return this.outliving(limit).update({ expires_at: limit.getTime() });
  }
}
