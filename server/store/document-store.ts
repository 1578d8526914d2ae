// A table holding one JSON document (settings, permissions). A missing row means "defaults",
// which the services own; the store only reads and writes the text.
import type { Knex } from 'knex';
import { fromMillis, toMillis } from './columns.ts';

const ROW_ID = 1;

export interface StoredDocument {
  document: unknown;
  updatedAt: Date;
  updatedBy: string;
}

interface DocumentRow {
  id: number;
  document: string;
  updated_at: number | string;
  updated_by: string;
}

function mapRow(row: DocumentRow): StoredDocument {
  return {
    document: JSON.parse(row.document),
    updatedAt: fromMillis(row.updated_at),
    updatedBy: row.updated_by,
  };
}

export class DocumentStore {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly table: 'settings' | 'permissions',
  ) {}

  async get(): Promise<StoredDocument | null> {
    const row: DocumentRow | undefined = await this.db(this.table).where({ id: ROW_ID }).first();
    return row ? mapRow(row) : null;
  }

  async put(document: unknown, updatedBy: string, updatedAt: Date): Promise<void> {
    await this.db(this.table)
      .insert({
        id: ROW_ID,
        document: JSON.stringify(document),
        updated_at: toMillis(updatedAt),
        updated_by: updatedBy,
      })
      .onConflict('id')
      .merge(['document', 'updated_at', 'updated_by']);
  }
}
