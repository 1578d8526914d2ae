// The tokens table. Owners and creators are stored lower-cased, so comparisons are exact matches.
import type { Knex } from 'knex';
import type { Page, PageOf, TokenFilter, TokenRecord, TokenScope } from '../services/types.ts';
import { countOf, fromMillis, fromMillisOrNull, toMillis, whereBetween, whereContains } from './columns.ts';

export interface NewTokenRow extends Omit<TokenRecord, 'lastUsedAt' | 'lastUsedIp'> {
  secretHash: string;
}

export interface TokenRow {
  id: string;
  owner: string;
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

  async listByOwner(owner: string): Promise<TokenRecord[]> {
    const rows = await this.db('tokens')
      .select(PUBLIC_COLUMNS)
      .where({ owner: owner.toLowerCase() })
      .orderBy([{ column: 'created_at', order: 'desc' }, 'id']);
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
  async deleteById(id: string, owner?: string): Promise<TokenRecord | null> {
    const where = owner === undefined ? { id } : { id, owner: owner.toLowerCase() };
    const row = await this.db('tokens').select(PUBLIC_COLUMNS).where(where).first();
    if (!row) return null;
    await this.db('tokens').where(where).delete();
    return mapRow(row);
  }

  /** Deletes every token of a user; returns what was deleted. */
  async deleteByOwner(owner: string): Promise<TokenRecord[]> {
    const where = { owner: owner.toLowerCase() };
    const rows = await this.db('tokens').select(PUBLIC_COLUMNS).where(where);
    if (rows.length > 0) await this.db('tokens').where(where).delete();
    return rows.map(mapRow);
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
