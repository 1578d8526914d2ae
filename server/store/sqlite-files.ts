// The SQLite database holds token hashes and the audit trail, so its files are the owner's only.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

/** The files SQLite keeps beside the database in WAL mode. */
const SQLITE_COMPANION_SUFFIXES = ['-wal', '-shm'] as const;

function tighten(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  // Group and other bits go (and execute, which no database file needs); an owner-only mode the
  // operator chose (even 0400 or 0000) is left for SQLite to accept or refuse.
  if ((mode & 0o077) !== 0) chmodSync(file, mode & PRIVATE_FILE);
}

/**
 * Creates `file` (mode 0600) if it is missing, in a directory made 0700 when this creates it;
 * an existing directory keeps its mode. A file made group- or world-readable earlier (SQLite's own
 * default is 0644) is tightened.
 */
export function preparePrivateFile(file: string): void {
  // mkdir's mode applies only to the directories it creates, and every missing one gets it.
  mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR });
  try {
    // Exclusive create: an existing file is never opened here (umask can only narrow the mode).
    closeSync(openSync(file, 'wx', PRIVATE_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    tighten(file);
  }
}

/**
 * Prepares the database file before SQLite opens it. SQLite creates the WAL and SHM files with the
 * database file's own permission bits, so a 0600 database gives 0600 WAL and SHM files; the ones
 * an older version left behind (after a crash, or created 0644) are tightened here.
 */
export function preparePrivateDatabase(filename: string): void {
  preparePrivateFile(filename);
  for (const suffix of SQLITE_COMPANION_SUFFIXES) tighten(`${filename}${suffix}`);
}
