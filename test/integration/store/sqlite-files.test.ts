// The SQLite files hold token hashes and the audit trail: the owner's only, on the real SQLite.
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../../server/store/index.ts';

const modeOf = (file: string) => statSync(file).mode & 0o777;
const filesOf = (database: string) => [database, `${database}-wal`, `${database}-shm`];

const token = {
  id: 't1',
  owner: 'alice',
  name: 'token t1',
  secretHash: 'a'.repeat(64),
  hint: 'abcd',
  scope: 'read-write' as const,
  ipAllowlist: [],
  createdAt: new Date('2026-01-01T00:00:00Z'),
  expiresAt: null,
  createdBy: 'alice',
};

/**
 * A database as an older version left it: SQLite's default 0644, WAL and SHM included. The
 * connection stays open, as a crashed process leaves the WAL and SHM behind (a clean close
 * deletes them).
 */
function legacyDatabase(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const conn = new sqlite3.Database(file, (err) => {
      if (err) return reject(err);
      conn.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);', (failed) => {
        if (failed) return reject(failed);
        for (const f of filesOf(file)) chmodSync(f, 0o644);
        resolve(conn);
      });
    });
  });
}

describe('SQLite file modes', () => {
  let dir: string;
  let store: Store | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ata-modes-'));
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the database, WAL and SHM 0600 in directories it makes 0700, after migrate and after a write', async () => {
    const database = path.join(dir, 'made', 'by', 'companion', 'ata.sqlite');
    store = createStore(`sqlite://${database}`);
    await store.migrate();
    for (const f of filesOf(database)) expect([f, modeOf(f)]).toEqual([f, 0o600]);
    for (const d of ['made', 'made/by', 'made/by/companion']) expect(modeOf(path.join(dir, d))).toBe(0o700);

    await store.tokens.insert(token);
    expect(await store.tokens.listByOwner('alice')).toHaveLength(1);
    for (const f of filesOf(database)) expect([f, modeOf(f)]).toEqual([f, 0o600]);
  });

  it('leaves the mode of a directory that already exists', async () => {
    const existing = path.join(dir, 'existing');
    mkdirSync(existing);
    chmodSync(existing, 0o750);
    store = createStore(`sqlite://${path.join(existing, 'ata.sqlite')}`);
    await store.migrate();
    expect(modeOf(existing)).toBe(0o750);
    expect(modeOf(path.join(existing, 'ata.sqlite'))).toBe(0o600);
  });

  it('tightens the files an older version created 0644', async () => {
    const database = path.join(dir, 'legacy.sqlite');
    const legacy = await legacyDatabase(database);
    try {
      for (const f of filesOf(database)) expect(modeOf(f)).toBe(0o644);
      store = createStore(`sqlite://${database}`);
      await store.migrate();
      await store.tokens.insert(token);
      for (const f of filesOf(database)) expect([f, modeOf(f)]).toEqual([f, 0o600]);
    } finally {
      await new Promise((resolve) => legacy.close(resolve));
    }
  });
});
