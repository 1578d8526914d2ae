// The store: the only module that imports knex. `createStore(ATA_DATABASE_URL)` serves SQLite and
// PostgreSQL through the same queries and migrations.
import type { Knex } from 'knex';
import type { DatabaseConfig } from '../config.ts';
import { AuditStore } from './audit-store.ts';
import { type ConnectionOptions, connect, toDatabaseConfig } from './connection.ts';
import { DocumentStore } from './document-store.ts';
import { migrationSource } from './migrations/index.ts';
import { SiteCredentialStore } from './site-credential-store.ts';
import { preparedRead } from './sqlite-reader.ts';
import { FIND_BY_HASH_SQL, type HashLookup, type TokenRow, TokenStore } from './token-store.ts';
import { WebhookStore } from './webhook-store.ts';

export type { StoredDocument } from './document-store.ts';
export type { SealedCopy, SiteCredentialRecord, SiteCredentialState } from './site-credential-store.ts';
export type { NewTokenRow } from './token-store.ts';
export type { WebhookConfigRecord } from './webhook-store.ts';
export type { AuditStore, DocumentStore, SiteCredentialStore, TokenStore, WebhookStore };

/** What the metrics read of knex's pool (tarn's Pool; `max` is public at run time). */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

/** The tables, bound either to the pool or to one transaction. */
export interface Repositories {
  tokens: TokenStore;
  settings: DocumentStore;
  permissions: DocumentStore;
  audit: AuditStore;
  siteCredentials: SiteCredentialStore;
  webhook: WebhookStore;
}

export interface Store extends Repositories {
  readonly client: DatabaseConfig['client'];
  /** The SQLite database file, for keeping the key file beside it; undefined for PostgreSQL. */
  readonly sqliteFilename: string | undefined;
  /** Runs `work` in one transaction: all of its writes happen, or none. */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  /** Undoes every migration (used by tests and by a deliberate downgrade). */
  rollback(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** The connection pool as knex's pool (tarn) counts it, for the metrics; undefined once closed. */
  poolStats(): { used: number; free: number; pending: number; max: number } | undefined;
  close(): Promise<void>;
}

function repositories(db: Knex | Knex.Transaction, lookupByHash?: HashLookup): Repositories {
  return {
    tokens: new TokenStore(db, lookupByHash),
    settings: new DocumentStore(db, 'settings'),
    permissions: new DocumentStore(db, 'permissions'),
    audit: new AuditStore(db),
    siteCredentials: new SiteCredentialStore(db),
    webhook: new WebhookStore(db),
  };
}

/**
 * Several companions sharing one PostgreSQL database may start at once; knex's own migration lock
 * makes all but one fail. A transaction-scoped advisory lock (per schema) queues them instead,
 * and the later ones find nothing left to do. SQLite has one companion per file.
 */
async function serialised(db: Knex, config: DatabaseConfig, work: () => Promise<unknown>): Promise<void> {
  if (config.client === 'sqlite') {
    await work();
    return;
  }
  await db.transaction(async (trx) => {
    await trx.raw(`select pg_advisory_xact_lock(hashtext('api-token-auth migrations ' || current_schema()))`);
    await work();
  });
}

export function createStore(database: string | DatabaseConfig, options: ConnectionOptions = {}): Store {
  const config = toDatabaseConfig(database, options.cwd);
  const db = connect(config, options);
  const migrations = { migrationSource, tableName: 'knex_migrations' };
  // SQLite: the token lookup every uncached check makes runs on a statement prepared once.
  // Inside a transaction it goes through knex, so it sees the transaction's own writes.
  const byHash =
    config.client === 'sqlite' ? preparedRead<TokenRow>(config.filename, FIND_BY_HASH_SQL) : undefined;
  return {
    ...repositories(db, byHash && ((secretHash) => byHash.get(secretHash))),
    client: config.client,
    sqliteFilename: config.client === 'sqlite' ? config.filename : undefined,
    transaction: (work) => db.transaction((trx) => work(repositories(trx))),
    migrate: () => serialised(db, config, () => db.migrate.latest(migrations)),
    rollback: () => serialised(db, config, () => db.migrate.rollback(migrations, true)),
    async ping() {
      await db.raw('select 1');
    },
    poolStats() {
      const pool = (db.client as { pool?: TarnPool }).pool;
      return pool
        ? { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires(), max: pool.max }
        : undefined;
    },
    async close() {
      await byHash?.close();
      await db.destroy();
    },
  };
}
