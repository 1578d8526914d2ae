// The databases every store and service test runs on: a temporary SQLite file, and PostgreSQL on
// 127.0.0.1:5432 with a freshly created schema per store (dropped afterwards), so parallel runs never
// meet. PostgreSQL being unreachable fails the tests; it never skips them.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { createStore, type Store } from '../../../server/store/index.ts';

export const POSTGRES_URL = process.env.ATA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  store: Store;
  /** The SQLite file (SQLite only), for scanning its bytes. */
  sqliteFile?: string;
  /** The PostgreSQL schema (PostgreSQL only), for more stores on the same data. */
  schema?: string;
  /** Runs SQL beside the store, over a connection of its own (to prove what the database refuses). */
  exec(sql: string): Promise<void>;
  dispose(): Promise<void>;
}

async function sqlite(): Promise<TestDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ata-store-'));
  const sqliteFile = path.join(dir, 'test.sqlite');
  const store = createStore(`sqlite://${sqliteFile}`);
  return {
    store,
    sqliteFile,
    exec: (sql) =>
      new Promise((resolve, reject) => {
        const conn = new sqlite3.Database(sqliteFile, (err) => {
          if (err) return reject(err);
          conn.exec(sql, (failed) => conn.close(() => (failed ? reject(failed) : resolve())));
        });
      }),
    async dispose() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(sql: string, searchPath?: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    if (searchPath) await client.query(`SET search_path TO "${searchPath}"`);
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function postgres(): Promise<TestDatabase> {
  const schema = `ata_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA "${schema}"`);
  const store = createStore(POSTGRES_URL, { searchPath: schema });
  return {
    store,
    schema,
    exec: (sql) => adminQuery(sql, schema),
    async dispose() {
      await store.close();
      await adminQuery(`DROP SCHEMA "${schema}" CASCADE`);
    },
  };
}

export const DATABASES = [
  { name: 'SQLite', open: sqlite },
  { name: 'PostgreSQL', open: postgres },
] as const;

/** Opens a migrated database. */
export async function openMigrated(open: () => Promise<TestDatabase>): Promise<TestDatabase> {
  const db = await open();
  await db.store.migrate();
  return db;
}
