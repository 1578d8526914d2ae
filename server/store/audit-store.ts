// The audit table: insert and read only (the database refuses updates and deletes as well).
// Usernames are stored lower-cased, like token owners, so filters are exact matches.
import type { Knex } from 'knex';
import type { AuditAction, AuditFilter, AuditRecord, Page, PageOf } from '../services/types.ts';
import { countOf, fromMillis, toMillis, whereBetween } from './columns.ts';

interface AuditRow {
  id: number | string;
  at: number | string;
  actor: string;
  action: string;
  subject_user: string | null;
  token_id: string | null;
  token_name: string | null;
  remote_ip: string | null;
  details: string | null;
}

function mapRow(row: AuditRow): AuditRecord {
  return {
    id: Number(row.id),
    at: fromMillis(row.at),
    actor: row.actor,
    action: row.action as AuditAction,
    subjectUser: row.subject_user,
    tokenId: row.token_id,
    tokenName: row.token_name,
    remoteIp: row.remote_ip,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}

// SQLite binds at most 32,766 variables per statement; 500 rows of 8 columns stay far below.
const APPEND_CHUNK = 500;

function toRow(record: Omit<AuditRecord, 'id'>): Omit<AuditRow, 'id'> {
  return {
    at: toMillis(record.at),
    actor: record.actor.toLowerCase(),
    action: record.action,
    subject_user: record.subjectUser?.toLowerCase() ?? null,
    token_id: record.tokenId,
    token_name: record.tokenName,
    remote_ip: record.remoteIp,
    details: record.details === null ? null : JSON.stringify(record.details),
  };
}

export class AuditStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async append(record: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const row = toRow(record);
    const [inserted] = await this.db('audit').insert(row, ['id']);
    const id = typeof inserted === 'object' ? (inserted as { id: number | string }).id : inserted;
    return mapRow({ ...row, id: id as number | string });
  }

  /**
   * Appends many records in as few statements as the database allows (one per 500 rows), in one
   * transaction: all are stored, or none.
   */
  async appendMany(records: ReadonlyArray<Omit<AuditRecord, 'id'>>): Promise<void> {
    if (records.length === 0) return;
    await this.db.batchInsert('audit', records.map(toRow), APPEND_CHUNK);
  }

  private filtered(filter: AuditFilter): Knex.QueryBuilder {
    const query = this.db('audit');
    if (filter.actor) query.where('actor', filter.actor.toLowerCase());
    if (filter.action) query.where('action', filter.action);
    if (filter.subjectUser) query.where('subject_user', filter.subjectUser.toLowerCase());
    if (filter.tokenId) query.where('token_id', filter.tokenId);
    whereBetween(query, 'at', filter.from, filter.to);
    return query;
  }

  /** Newest first. */
  async search(filter: AuditFilter, page: Page): Promise<PageOf<AuditRecord>> {
    const query = this.filtered(filter);
    const total = await countOf(query);
    const rows = await query.select('*').orderBy('id', 'desc').limit(page.limit).offset(page.offset);
    return { items: rows.map(mapRow), total, limit: page.limit, offset: page.offset };
  }

  /** Oldest first, in keyset-paginated batches, so an export of any size holds one batch in memory. */
  async *iterate(filter: AuditFilter, batchSize = 500): AsyncGenerator<AuditRecord> {
    let after = 0;
    for (;;) {
      const rows: AuditRow[] = await this.filtered(filter)
        .select('*')
        .where('id', '>', after)
        .orderBy('id', 'asc')
        .limit(batchSize);
      for (const row of rows) yield mapRow(row);
      const last = rows.at(-1);
      if (!last || rows.length < batchSize) return;
      after = Number(last.id);
    }
  }
}
