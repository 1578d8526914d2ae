// One companion per SQLite database. Its caches, throttle and blocks live in the process, so a
// second companion on the same file would answer differently from the first (PostgreSQL shares
// them between instances; SQLite does not).
import sqlite3 from 'sqlite3';
import { preparePrivateFile } from './sqlite-files.ts';

export interface InstanceLock {
  /** The lock file beside the database. */
  readonly path: string;
  release(): Promise<void>;
}

/** Another process holds the lock. */
export class InstanceLockedError extends Error {
  constructor(
    readonly databaseFile: string,
    readonly lockFile: string,
  ) {
    super(
      `another companion is already running on the SQLite database ${databaseFile} (it holds ${lockFile}). ` +
        'SQLite serves one companion at a time: stop the other one, or use PostgreSQL ' +
        '(ATA_DATABASE_URL=postgres://…) to run several.',
    );
    this.name = 'InstanceLockedError';
  }
}

export function lockFileFor(databaseFile: string): string {
  return `${databaseFile}.lock`;
}

function run(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
}

function close(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
}

/**
 * Takes the lock, or throws InstanceLockedError at once (no waiting).
 *
 * The lock is SQLite's own write lock on a small database of its own, held by an exclusive
 * transaction that is never committed. SQLite locks with POSIX advisory locks, which the kernel
 * drops when the process dies however it dies, so a `kill -9` leaves nothing stale behind and
 * there is no pid file to outlive its process or to be reused by another. SQLite also tracks its
 * locks per file inside a process, so a second lock in the same process is refused too. Knex's
 * connections never open this file, so the database itself stays free for the process's own
 * connections.
 */
export async function acquireInstanceLock(databaseFile: string): Promise<InstanceLock> {
  const lockFile = lockFileFor(databaseFile);
  preparePrivateFile(lockFile);
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened = new sqlite3.Database(lockFile, sqlite3.OPEN_READWRITE, (err) =>
      err ? reject(err) : resolve(opened),
    );
  });
  // node-sqlite3 waits 1 s on a busy database by default; the answer here is at once.
  db.configure('busyTimeout', 0);
  try {
    // The journal in memory: holding the lock writes nothing, so no -journal file appears.
    await run(db, 'PRAGMA journal_mode = MEMORY; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE');
  } catch (err) {
    await close(db).catch(() => undefined);
    if ((err as { code?: string }).code === 'SQLITE_BUSY')
      throw new InstanceLockedError(databaseFile, lockFile);
    throw err;
  }
  let released: Promise<void> | undefined;
  return {
    path: lockFile,
    release() {
      released ??= run(db, 'ROLLBACK').finally(() => close(db));
      return released;
    },
  };
}
