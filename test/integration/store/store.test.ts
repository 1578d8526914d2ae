import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../../../server/store/index.ts';
import { DATABASES, POSTGRES_URL, type TestDatabase } from './databases.ts';

const token = (id: string, owner: string, createdAt: string, expiresAt: string | null) => ({
  id,
  owner,
  name: `token ${id}`,
  secretHash: id.padEnd(64, '0'),
  hint: 'abcd',
  scope: 'read-write' as const,
  ipAllowlist: ['10.0.0.0/8'],
  createdAt: new Date(createdAt),
  expiresAt: expiresAt ? new Date(expiresAt) : null,
  createdBy: owner,
});

describe.each(DATABASES)('store on $name', ({ open }) => {
  let db: TestDatabase;
  afterEach(async () => {
    await db?.dispose();
  });

  it('migrates up, down and up again', async () => {
    db = await open();
    await db.store.migrate();
    await db.store.ping();
    await db.store.tokens.insert(token('t1', 'alice', '2026-01-01T00:00:00Z', null));
    await db.store.rollback();
    await expect(db.store.tokens.listByOwner('alice')).rejects.toThrow();
    await db.store.migrate();
    expect(await db.store.tokens.listByOwner('alice')).toEqual([]);
  });

  it('maps rows back exactly, owners lower-cased, timestamps to the millisecond', async () => {
    db = await open();
    await db.store.migrate();
    const inserted = await db.store.tokens.insert(
      token('t1', 'Alice', '2026-01-31T10:15:30.123Z', '2026-02-28T10:15:30.123Z'),
    );
    const found = await db.store.tokens.findById('t1');
    expect(found).toEqual(inserted);
    expect(found).toMatchObject({
      owner: 'alice',
      ipAllowlist: ['10.0.0.0/8'],
      createdAt: new Date('2026-01-31T10:15:30.123Z'),
      expiresAt: new Date('2026-02-28T10:15:30.123Z'),
      lastUsedAt: null,
    });
    expect(found).not.toHaveProperty('secretHash');
    expect((await db.store.tokens.findByHash('t1'.padEnd(64, '0')))?.token.id).toBe('t1');
  });

  it('keeps unicode and SQL-looking names exactly', async () => {
    db = await open();
    await db.store.migrate();
    const names = ['Déploiement 🚀 ñ 日本語', "x'); DROP TABLE tokens; --", 'a\\b%_"'];
    for (const [i, name] of names.entries()) {
      await db.store.tokens.insert({ ...token(`t${i}`, 'alice', '2026-01-01T00:00:00Z', null), name });
    }
    const stored = await db.store.tokens.listByOwner('alice');
    expect(stored.map((t) => t.name).sort()).toEqual([...names].sort());
  });

  it('inserts tokens in bulk', async () => {
    db = await open();
    await db.store.migrate();
    const many = Array.from({ length: 1234 }, (_, i) => ({
      ...token(`bulk-${i}`, `user${i % 3}`, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'),
      secretHash: i.toString(16).padStart(64, '0'),
    }));
    await db.store.tokens.insertMany(many);
    expect((await db.store.tokens.search({}, { limit: 1, offset: 0 })).total).toBe(1234);
    expect(await db.store.tokens.listByOwner('user1')).toHaveLength(411);
    expect((await db.store.tokens.findByHash((1233).toString(16).padStart(64, '0')))?.token.owner).toBe(
      'user0',
    );
  });

  // SQLite answers this lookup from a statement kept prepared on a second connection: it must
  // never read an old snapshot, or a deleted token would keep working.
  it('finds a token by hash as soon as it is written, and not once it is deleted', async () => {
    db = await open();
    await db.store.migrate();
    const hash = 't1'.padEnd(64, '0');
    expect(await db.store.tokens.findByHash(hash)).toBeNull();
    await db.store.tokens.insert(token('t1', 'alice', '2026-01-01T00:00:00Z', null));
    expect((await db.store.tokens.findByHash(hash))?.secretHash).toBe(hash);
    const many = await Promise.all(Array.from({ length: 50 }, () => db.store.tokens.findByHash(hash)));
    expect(many.map((found) => found?.token.id)).toEqual(Array(50).fill('t1'));
    await db.store.tokens.deleteById('t1');
    expect(await db.store.tokens.findByHash(hash)).toBeNull();
    await db.store.transaction(async (repos) => {
      await repos.tokens.insert(token('t1', 'alice', '2026-01-01T00:00:00Z', null));
      // Inside the transaction its own write is visible; outside, not before the commit.
      expect((await repos.tokens.findByHash(hash))?.token.id).toBe('t1');
    });
    expect((await db.store.tokens.findByHash(hash))?.token.id).toBe('t1');
    await db.store.tokens.deleteByOwner('ALICE');
    expect(await db.store.tokens.findByHash(hash)).toBeNull();
  });

  it('looks tokens up by hash again after the tables were dropped and made anew', async () => {
    db = await open();
    await db.store.migrate();
    await db.store.tokens.insert(token('t1', 'alice', '2026-01-01T00:00:00Z', null));
    expect((await db.store.tokens.findByHash('t1'.padEnd(64, '0')))?.token.id).toBe('t1');
    await db.store.rollback();
    await expect(db.store.tokens.findByHash('t1'.padEnd(64, '0'))).rejects.toThrow(/tokens/);
    await db.store.migrate();
    expect(await db.store.tokens.findByHash('t1'.padEnd(64, '0'))).toBeNull();
    await db.store.tokens.insert(token('t2', 'bob', '2026-01-01T00:00:00Z', null));
    expect((await db.store.tokens.findByHash('t2'.padEnd(64, '0')))?.token.owner).toBe('bob');
  });

  it('refuses a second token with the same hash', async () => {
    db = await open();
    await db.store.migrate();
    await db.store.tokens.insert(token('t1', 'alice', '2026-01-01T00:00:00Z', null));
    await expect(
      db.store.tokens.insert({
        ...token('t2', 'bob', '2026-01-01T00:00:00Z', null),
        secretHash: 't1'.padEnd(64, '0'),
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(SQLITE_CONSTRAINT.*|23505)$/) });
  });

  it('rolls a failed transaction back completely', async () => {
    db = await open();
    await db.store.migrate();
    await expect(
      db.store.transaction(async (repos) => {
        await repos.tokens.insert(token('t1', 'alice', '2026-01-01T00:00:00Z', null));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.store.tokens.findById('t1')).toBeNull();
  });

  it('keeps the audit table append-only in the database itself', async () => {
    db = await open();
    await db.store.migrate();
    const record = await db.store.audit.append({
      at: new Date('2026-01-01T00:00:00Z'),
      actor: 'Admin',
      action: 'settings.changed',
      subjectUser: null,
      tokenId: null,
      tokenName: null,
      remoteIp: '127.0.0.1',
      details: { before: 1, after: 2 },
    });
    expect(record).toMatchObject({
      id: expect.any(Number),
      actor: 'admin',
      details: { before: 1, after: 2 },
    });
    const page = await db.store.audit.search({}, { limit: 10, offset: 0 });
    expect(page.items).toEqual([record]);
    // Neither an UPDATE nor a DELETE gets through, even bypassing the code.
    await expect(db.exec("update audit set actor = 'mallory'")).rejects.toThrow(/append-only/);
    await expect(db.exec('delete from audit')).rejects.toThrow(/append-only/);
    expect((await db.store.audit.search({}, { limit: 10, offset: 0 })).items).toEqual([record]);
  });

  it('appends audit records in bulk, in order, each with its own time', async () => {
    db = await open();
    await db.store.migrate();
    const records = Array.from({ length: 1201 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)),
      actor: `User${i}`,
      action: 'auth.failed' as const,
      subjectUser: null,
      tokenId: null,
      tokenName: null,
      remoteIp: '192.0.2.1',
      details: { reason: 'invalid-token', i },
    }));
    await db.store.audit.appendMany(records);
    await db.store.audit.appendMany([]);
    const page = await db.store.audit.search({}, { limit: 2, offset: 0 });
    expect(page.total).toBe(1201);
    // Newest first: the last appended, with its own time and details.
    expect(page.items[0]).toMatchObject({
      actor: 'user1200',
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, 1, 200)),
      details: { i: 1200 },
    });
    expect((page.items[0]?.id ?? 0) - (page.items[1]?.id ?? 0)).toBe(1);
  });

  it('stores one settings document, replacing it on every put', async () => {
    db = await open();
    await db.store.migrate();
    expect(await db.store.settings.get()).toBeNull();
    await db.store.settings.put({ a: 1 }, 'admin', new Date('2026-01-01T00:00:00Z'));
    await db.store.settings.put({ a: 2 }, 'root', new Date('2026-01-02T00:00:00Z'));
    expect(await db.store.settings.get()).toEqual({
      document: { a: 2 },
      updatedBy: 'root',
      updatedAt: new Date('2026-01-02T00:00:00Z'),
    });
    expect(await db.store.permissions.get()).toBeNull();
  });
});

describe('PostgreSQL shared by several companions', () => {
  let db: TestDatabase;
  afterEach(async () => {
    await db?.dispose();
  });

  it('lets companions starting at once all migrate, one after the other', async () => {
    db = await (DATABASES[1] as (typeof DATABASES)[number]).open();
    const others = [0, 1, 2].map(() => createStore(POSTGRES_URL, { searchPath: db.schema }));
    try {
      const results = await Promise.allSettled([db.store.migrate(), ...others.map((s) => s.migrate())]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      await others[0]?.tokens.insert(token('t1', 'alice', '2026-01-01T00:00:00Z', null));
      expect(await db.store.tokens.findById('t1')).toMatchObject({ owner: 'alice' });
    } finally {
      for (const store of others) await store.close();
    }
  });
});

describe('SQLite token lookup by hash', () => {
  let db: TestDatabase;
  afterEach(async () => {
    await db?.dispose();
  });

  // The lookup runs on a connection of its own. A statement left unfinished after a found row
  // keeps a read transaction open, and with it every WAL checkpoint from finishing.
  it('leaves no read transaction open, so a checkpoint can empty the write-ahead log', async () => {
    db = await (DATABASES[0] as (typeof DATABASES)[number]).open();
    await db.store.migrate();
    await db.store.tokens.insert(token('t1', 'alice', '2026-01-01T00:00:00Z', null));
    expect((await db.store.tokens.findByHash('t1'.padEnd(64, '0')))?.token.id).toBe('t1');
    const checkpoint = await new Promise<{ busy: number }>((resolve, reject) => {
      const conn = new sqlite3.Database(db.sqliteFile as string, (err) => {
        if (err) return reject(err);
        conn.get('PRAGMA wal_checkpoint(TRUNCATE)', (failed, row: { busy: number }) =>
          conn.close(() => (failed ? reject(failed) : resolve(row))),
        );
      });
    });
    expect(checkpoint.busy).toBe(0);
  });
});

describe('SQLite database URLs', () => {
  it('resolves sqlite:relative paths against the working directory and sqlite:/// as absolute, in WAL mode', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ata-url-'));
    try {
      const relative = createStore('sqlite:data/relative.sqlite', { cwd: dir });
      expect(relative.sqliteFilename).toBe(path.join(dir, 'data', 'relative.sqlite'));
      await relative.migrate();
      await relative.tokens.insert(token('t1', 'alice', '2026-01-01T00:00:00Z', null));
      // Write-ahead logging: the write sits in the -wal file beside the database.
      expect(existsSync(path.join(dir, 'data', 'relative.sqlite-wal'))).toBe(true);
      await relative.close();
      const absolute = createStore(`sqlite://${path.join(dir, 'data', 'relative.sqlite')}`);
      expect(await absolute.tokens.findById('t1')).toMatchObject({ owner: 'alice' });
      await absolute.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
