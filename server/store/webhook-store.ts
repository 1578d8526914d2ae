// The webhook's tables: its one configuration row (the secret only as sealed text) and the expiry
// notices claimed so far, one row per (token, event).
import type { Knex } from 'knex';
import { isConstraintViolation } from '../errors.ts';
import { fromMillis, toMillis } from './columns.ts';

const ROW_ID = 1;

export interface WebhookConfigRecord {
  enabled: boolean;
  url: string | null;
  sealedSecret: string | null;
  updatedBy: string;
  updatedAt: Date;
}

interface ConfigRow {
  id: number;
  enabled: boolean | number;
  url: string | null;
  sealed_secret: string | null;
  updated_by: string;
  updated_at: number | string;
}

function mapRow(row: ConfigRow): WebhookConfigRecord {
  return {
    // SQLite keeps booleans as 0/1.
    enabled: Boolean(row.enabled),
    url: row.url,
    sealedSecret: row.sealed_secret,
    updatedBy: row.updated_by,
    updatedAt: fromMillis(row.updated_at),
  };
}

export class WebhookStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async get(): Promise<WebhookConfigRecord | null> {
    const row: ConfigRow | undefined = await this.db('webhook_config').where({ id: ROW_ID }).first();
    return row ? mapRow(row) : null;
  }

  async put(config: WebhookConfigRecord): Promise<void> {
    await this.db('webhook_config')
      .insert({
        id: ROW_ID,
        enabled: config.enabled,
        url: config.url,
        sealed_secret: config.sealedSecret,
        updated_by: config.updatedBy,
        updated_at: toMillis(config.updatedAt),
      })
      .onConflict('id')
      .merge(['enabled', 'url', 'sealed_secret', 'updated_by', 'updated_at']);
  }

  /**
   * Claims the notice `event` for a token: true for exactly one caller, whichever companion it
   * runs in; false when it was claimed before or the token is gone.
   */
  async claimNotice(tokenId: string, event: string, at: Date): Promise<boolean> {
    try {
      const inserted: unknown[] = await this.db('webhook_notices')
        .insert({ token_id: tokenId, event, claimed_at: toMillis(at) })
        .onConflict(['token_id', 'event'])
        .ignore()
        .returning('token_id');
      return inserted.length > 0;
    } catch (err) {
      // Deleted since it was read (foreign key): nothing left to announce.
      if (isConstraintViolation(err)) return false;
      throw err;
    }
  }
}
