// Builds the knex instance for either database from ATA_DATABASE_URL. SQLite runs in WAL mode with a
// busy timeout and foreign keys on every connection, on files only their owner can read;
// PostgreSQL may be pinned to one schema (the tests give every run its own).
import knex, { type Knex } from 'knex';
import type { Logger } from 'pino';
import { type DatabaseConfig, parseDatabaseUrl } from '../config.ts';
import { preparePrivateDatabase } from './sqlite-files.ts';

export interface ConnectionOptions {
  /** PostgreSQL only: the schema every connection uses (search_path). */
  searchPath?: string;
  /** Base directory for relative SQLite paths. */
  cwd?: string;
  /** Where knex's own warnings go (lost connections, acquire errors); never straight to stdout. */
  logger?: Logger;
}

/** knex logs through console by default, outside the JSON log; this routes it into pino. */
function knexLog(logger: Logger | undefined): Knex.Config['log'] {
  const log = logger?.child({ component: 'database' });
  const line = (level: 'warn' | 'error' | 'debug') => (message: unknown) =>
    log?.[level]({ event: 'database.client' }, String(message));
  return { warn: line('warn'), error: line('error'), debug: line('debug'), deprecate: line('debug') };
}

const SQLITE_PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA busy_timeout = 5000',
  'PRAGMA foreign_keys = ON',
];

interface SqliteConnection {
  exec(sql: string, callback: (err: Error | null) => void): void;
}

export function toDatabaseConfig(database: string | DatabaseConfig, cwd?: string): DatabaseConfig {
  return typeof database === 'string' ? parseDatabaseUrl(database, cwd) : database;
}

export function connect(config: DatabaseConfig, options: ConnectionOptions = {}): Knex {
  if (config.client === 'sqlite') {
    preparePrivateDatabase(config.filename);
    return knex({
      client: 'sqlite3',
      log: knexLog(options.logger),
      connection: { filename: config.filename },
      useNullAsDefault: true,
      pool: {
        // One connection: SQLite serialises writers anyway, and transactions stay simple.
        min: 1,
        max: 1,
        afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) {
          conn.exec(`${SQLITE_PRAGMAS.join('; ')};`, (err) => done(err, conn));
        },
      },
    });
  }
  return knex({
    client: 'pg',
    log: knexLog(options.logger),
    connection: config.connectionString,
    ...(options.searchPath ? { searchPath: [options.searchPath] } : {}),
    pool: { min: 0, max: 10 },
  });
}
