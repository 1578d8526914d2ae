// Tokens belong to the site's immutable user key, not to a name a rename or a newcomer can take.
import type { Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, toDatabaseConfig } from '../../../server/store/connection.ts';
import { migrationSource } from '../../../server/store/migrations/index.ts';
import { DATABASES, POSTGRES_URL, type TestDatabase } from './databases.ts';
import { alice as aliceCtx, openServices } from './harness.ts';

const MIGRATIONS = { migrationSource, tableName: 'knex_migrations' };
const OWNER_KEY_MIGRATION = '20261201230000-add-token-owner-key';

const nameOf = (m: unknown) => (typeof m === 'string' ? m : (m as { name: string }).name);

/** Steps the schema to just before (`before`) or just after (`after`) the owner-key migration. */
async function stepTo(knex: Knex, where: 'before' | 'after'): Promise<void> {
  for (;;) {
    const [done, pending] = (await knex.migrate.list(MIGRATIONS)) as [unknown[], unknown[]];
    const applied = done.map(nameOf).includes(OWNER_KEY_MIGRATION);
    if (where === 'after' && applied) return;
    if (where === 'before' && !applied && nameOf(pending[0]) === OWNER_KEY_MIGRATION) return;
    await (applied ? knex.migrate.down(MIGRATIONS) : knex.migrate.up(MIGRATIONS));
  }
}

const token = (id: string, owner: string, ownerKey: string | null) => ({
  id,
  owner,
  ownerKey,
  name: `token ${id}`,
  secretHash: id.padEnd(64, '0'),
  hint: 'abcd',
  scope: 'read-write' as const,
  ipAllowlist: [],
  createdAt: new Date('2026-01-01T00:00:00Z'),
  expiresAt: null,
  createdBy: owner,
});

/** A second connection to the test database, for stepping through migrations one at a time. */
function migrator(db: TestDatabase): Knex {
  return db.sqliteFile
    ? connect(toDatabaseConfig(`sqlite://${db.sqliteFile}`))
    : connect(toDatabaseConfig(POSTGRES_URL), { searchPath: db.schema });
}

describe.each(DATABASES)('token owner keys on $name', ({ open }) => {
  let db: TestDatabase;
  let knex: Knex | undefined;
  afterEach(async () => {
    await knex?.destroy();
    knex = undefined;
    await db?.dispose();
  });

  async function migrated(): Promise<TestDatabase> {
    db = await open();
    await db.store.migrate();
    return db;
  }

  it('adds owner_key to existing rows as null, and takes it away again keeping rows and indexes', async () => {
    db = await open();
    knex = migrator(db);
    await stepTo(knex, 'before');
    // A row written by a companion from before this migration, with the columns it knew.
    await knex('tokens').insert({
      id: 't1',
      owner: 'alice',
      name: 'token t1',
      secret_hash: 't1'.padEnd(64, '0'),
      hint: 'abcd',
      scope: 'read-write',
      ip_allowlist: '[]',
      created_at: Date.parse('2026-01-01T00:00:00Z'),
      created_by: 'alice',
    });
    await expect(knex('tokens').select('owner_key')).rejects.toThrow(/owner_key/);

    await stepTo(knex, 'after');
    expect(await db.store.tokens.findById('t1')).toMatchObject({ owner: 'alice', ownerKey: null });
    expect((await db.store.tokens.findByHash('t1'.padEnd(64, '0')))?.token.ownerKey).toBeNull();

    await stepTo(knex, 'before');
    await expect(knex('tokens').select('owner_key')).rejects.toThrow(/owner_key/);
    expect(await knex('tokens').select('id', 'owner')).toEqual([{ id: 't1', owner: 'alice' }]);
    // The unique hash index survived the column's removal.
    await expect(
      knex('tokens').insert({ ...(await knex('tokens').where({ id: 't1' }).first()), id: 't2' }),
    ).rejects.toThrow(/unique|UNIQUE/);

    await db.store.migrate();
    expect(await db.store.tokens.findById('t1')).toMatchObject({ ownerKey: null });
  });

  it('stores the key given at creation and reads it back on the hash lookup', async () => {
    await migrated();
    await db.store.tokens.insert(token('t1', 'Alice', 'JIRAUSER10101'));
    expect(await db.store.tokens.findById('t1')).toMatchObject({ owner: 'alice', ownerKey: 'JIRAUSER10101' });
    expect((await db.store.tokens.findByHash('t1'.padEnd(64, '0')))?.token.ownerKey).toBe('JIRAUSER10101');
  });

  it('binds an unbound token once, under its own name only, and never to another key', async () => {
    await migrated();
    await db.store.tokens.insert(token('t1', 'alice', null));
    // Whoever holds another name now gets nothing of a row they do not own by name.
    expect(await db.store.tokens.bindOwner('t1', { username: 'mallory', key: 'K-MALLORY' })).toBe(false);
    expect(await db.store.tokens.findById('t1')).toMatchObject({ owner: 'alice', ownerKey: null });

    expect(await db.store.tokens.bindOwner('t1', { username: 'Alice', key: 'K-ALICE' })).toBe(true);
    expect(await db.store.tokens.findById('t1')).toMatchObject({ owner: 'alice', ownerKey: 'K-ALICE' });
    // Bound means bound: a newcomer called alice, or anyone else, cannot take the token over.
    expect(await db.store.tokens.bindOwner('t1', { username: 'alice', key: 'K-NEW-ALICE' })).toBe(false);
    expect(await db.store.tokens.bindOwner('t1', { username: 'mallory', key: 'K-MALLORY' })).toBe(false);
    expect(await db.store.tokens.findById('t1')).toMatchObject({ owner: 'alice', ownerKey: 'K-ALICE' });
    // Again with the same key changes nothing.
    expect(await db.store.tokens.bindOwner('t1', { username: 'alice', key: 'K-ALICE' })).toBe(true);
    expect(await db.store.tokens.bindOwner('nope', { username: 'alice', key: 'K-ALICE' })).toBe(false);
  });

  it('files all of a renamed user’s tokens under the new name, touching nobody else’s', async () => {
    await migrated();
    await db.store.tokens.insert(token('t1', 'alice', 'K-ALICE'));
    await db.store.tokens.insert(token('t2', 'alice', 'K-ALICE'));
    await db.store.tokens.insert(token('t3', 'alice', null));
    await db.store.tokens.insert(token('t4', 'bob', 'K-BOB'));
    expect(await db.store.tokens.bindOwner('t1', { username: 'Alicia', key: 'K-ALICE' })).toBe(true);
    const owners = async () =>
      Object.fromEntries(
        (await db.store.tokens.search({}, { limit: 10, offset: 0 })).items.map((t) => [t.id, t.owner]),
      );
    // t3 has no key: it is not known to be hers, so it stays under the old name.
    expect(await owners()).toEqual({ t1: 'alicia', t2: 'alicia', t3: 'alice', t4: 'bob' });
  });

  it('lists and deletes a user’s own tokens by key, so a newcomer with an old name sees none of them', async () => {
    await migrated();
    // Alice (K-OLD) was renamed to alicia on the site before using her tokens again; a new user
    // then got the name alice (K-NEW). t2 is from before keys were stored.
    await db.store.tokens.insert(token('t1', 'alice', 'K-OLD'));
    await db.store.tokens.insert(token('t2', 'alice', null));
    await db.store.tokens.insert(token('t3', 'alice', 'K-NEW'));
    const renamed = { username: 'alicia', key: 'K-OLD' };
    const newcomer = { username: 'alice', key: 'K-NEW' };
    const ids = (tokens: { id: string }[]) => tokens.map((t) => t.id).sort();

    expect(ids(await db.store.tokens.listByOwner(renamed))).toEqual(['t1']);
    expect(ids(await db.store.tokens.listByOwner(newcomer))).toEqual(['t2', 't3']);
    // The administrator's view by name is what is stored under the name.
    expect(ids(await db.store.tokens.listByOwner('alice'))).toEqual(['t1', 't2', 't3']);

    expect(await db.store.tokens.deleteById('t1', newcomer)).toBeNull();
    expect(ids(await db.store.tokens.deleteByOwner(newcomer))).toEqual(['t2', 't3']);
    expect(ids(await db.store.tokens.listByOwner(renamed))).toEqual(['t1']);
    expect((await db.store.tokens.deleteById('t1', renamed))?.id).toBe('t1');
  });

  it('gives the token service’s verify the key, and binds through the service', async () => {
    await migrated();
    const h = await openServices(open, { db });
    const bound = await h.tokens.create(
      { owner: 'alice', ownerKey: 'JIRAUSER10101', name: 'ci', validity: 'P1M' },
      aliceCtx,
    );
    expect(await h.tokens.verify(bound.secret)).toMatchObject({ owner: 'alice', ownerKey: 'JIRAUSER10101' });

    const unbound = await h.tokens.create({ owner: 'alice', name: 'old', validity: 'P1M' }, aliceCtx);
    expect((await h.tokens.verify(unbound.secret))?.ownerKey).toBeNull();
    await h.tokens.bindOwner(unbound.token.id, { username: 'alice', key: 'JIRAUSER10101' });
    expect((await h.tokens.verify(unbound.secret))?.ownerKey).toBe('JIRAUSER10101');

    await h.tokens.bindOwner(bound.token.id, { username: 'alicia', key: 'JIRAUSER10101' });
    expect(await h.tokens.verify(bound.secret)).toMatchObject({ owner: 'alicia', ownerKey: 'JIRAUSER10101' });
    await h.tokens.bindOwner(bound.token.id, { username: 'alice', key: 'JIRAUSER99999' });
    expect(await h.tokens.verify(bound.secret)).toMatchObject({ owner: 'alicia', ownerKey: 'JIRAUSER10101' });
    expect(
      (await h.tokens.list({ username: 'alicia', key: 'JIRAUSER10101' })).map((t) => t.name).sort(),
    ).toEqual(['ci', 'old']);
    expect(await h.tokens.list({ username: 'alice', key: 'JIRAUSER99999' })).toEqual([]);
  });
});
