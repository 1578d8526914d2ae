import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../server/errors.ts';
import { isTokenShaped } from '../../../shared/token.ts';
import { DATABASES } from './databases.ts';
import { admin, alice, type Harness, openServices } from './harness.ts';

describe.each(DATABASES)('TokenService on $name', ({ open }) => {
  let h: Harness;
  afterEach(async () => {
    await h?.db.dispose();
  });

  it('creates a token whose secret is shown once and verifies to the stored record', async () => {
    h = await openServices(open);
    const { token, secret } = await h.tokens.create(
      { owner: 'Alice', name: ' CI pipeline ', validity: 'P1M' },
      alice,
    );
    expect(isTokenShaped(secret)).toBe(true);
    expect(token).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      owner: 'alice',
      ownerKey: null,
      name: 'CI pipeline',
      scope: 'read-write',
      ipAllowlist: [],
      createdAt: new Date('2026-01-31T10:00:00.000Z'),
      expiresAt: new Date('2026-02-28T10:00:00.000Z'),
      lastUsedAt: null,
      lastUsedIp: null,
      createdBy: 'alice',
      hint: secret.slice(-4),
    });
    expect(token).not.toHaveProperty('secret');
    expect(await h.tokens.verify(secret)).toEqual(token);
    expect(await h.tokens.get(token.id)).toEqual(token);
    expect(h.emitted['token.created']).toEqual([{ token }]);
  });

  it('audits creation on behalf of someone with actor and subject both named', async () => {
    h = await openServices(open);
    const { token } = await h.tokens.create(
      { owner: 'bob', name: 'deploy', validity: 'never', scope: 'read-only', ipAllowlist: ['10.0.0.0/8'] },
      admin,
    );
    expect(token).toMatchObject({ owner: 'bob', createdBy: 'admin', expiresAt: null, scope: 'read-only' });
    const [record] = (await h.audit.list({}, { limit: 10, offset: 0 })).items;
    expect(record).toEqual({
      id: expect.any(Number),
      at: new Date('2026-01-31T10:00:00.000Z'),
      actor: 'admin',
      action: 'token.created',
      subjectUser: 'bob',
      tokenId: token.id,
      tokenName: 'deploy',
      remoteIp: '192.0.2.1',
      details: { validity: 'never', scope: 'read-only', expiresAt: null },
    });
  });

  it('refuses a validity above the maximum, listing the allowed ones, and changes nothing', async () => {
    h = await openServices(open);
    await h.settings.update({ ...(await h.settings.get()), maxValidity: 'P1Y' }, admin);
    const attempt = h.tokens.create({ owner: 'alice', name: 'x', validity: 'P2Y' }, alice);
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ status: 400, details: { allowed: ['P6M', 'P1Y'] } });
    expect(await h.tokens.list('alice')).toEqual([]);
    expect((await h.audit.list({ action: 'token.created' }, { limit: 10, offset: 0 })).total).toBe(0);
    await expect(
      h.tokens.create({ owner: 'alice', name: 'x', validity: 'P6M' }, alice),
    ).resolves.toBeDefined();
  });

  it('forces read-only scope when the setting says so', async () => {
    h = await openServices(open);
    await h.settings.update({ ...(await h.settings.get()), forceReadOnlyScope: true }, admin);
    const { token } = await h.tokens.create(
      { owner: 'alice', name: 'x', validity: 'P1M', scope: 'read-write' },
      alice,
    );
    expect(token.scope).toBe('read-only');
  });

  it('refuses unknown, mistyped and expired secrets', async () => {
    h = await openServices(open);
    const { secret } = await h.tokens.create({ owner: 'alice', name: 'x', validity: 'P1M' }, alice);
    const other = await openServices(open, { seed: 'other' });
    const { secret: foreign } = await other.tokens.create(
      { owner: 'alice', name: 'x', validity: 'P1M' },
      alice,
    );
    await other.db.dispose();
    expect(await h.tokens.verify(foreign)).toBeNull();
    expect(await h.tokens.verify(`${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`)).toBeNull();
    expect(await h.tokens.verify('')).toBeNull();
    h.setNow('2026-02-28T09:59:59.999Z');
    expect(await h.tokens.verify(secret)).not.toBeNull();
    h.setNow('2026-02-28T10:00:00.000Z');
    expect(await h.tokens.verify(secret)).toBeNull();
  });

  it('refuses a secret hashed under another key', async () => {
    h = await openServices(open);
    const { secret } = await h.tokens.create({ owner: 'alice', name: 'x', validity: 'P1M' }, alice);
    const otherKey = await openServices(open, { db: h.db, key: Buffer.from('z'.repeat(32)) });
    expect(await otherKey.tokens.verify(secret)).toBeNull();
  });

  it('reads nothing from the database for a string that is not token-shaped', async () => {
    h = await openServices(open);
    const { secret } = await h.tokens.create({ owner: 'alice', name: 'x', validity: 'P1M' }, alice);
    await h.db.store.close();
    // With the database gone, only a token-shaped string reaches it (and fails).
    await expect(h.tokens.verify('hunter2')).resolves.toBeNull();
    await expect(h.tokens.verify(`ata_${'x'.repeat(33)}`)).resolves.toBeNull();
    await expect(h.tokens.verify(secret)).rejects.toThrow();
  });

  it('deletes only the owner’s token when an owner is given, and audits and announces it', async () => {
    h = await openServices(open);
    const { token, secret } = await h.tokens.create({ owner: 'alice', name: 'x', validity: 'P1M' }, alice);
    expect(await h.tokens.delete(token.id, { actor: 'bob', remoteIp: null }, { owner: 'bob' })).toBe(false);
    expect(await h.tokens.delete('no-such-id', alice)).toBe(false);
    expect(await h.tokens.verify(secret)).not.toBeNull();
    expect(h.emitted['token.deleted']).toEqual([]);
    expect(await h.tokens.delete(token.id, alice, { owner: 'ALICE' })).toBe(true);
    expect(await h.tokens.verify(secret)).toBeNull();
    expect(h.emitted['token.deleted']).toEqual([{ tokenIds: [token.id] }]);
    const deletions = await h.audit.list({ action: 'token.deleted' }, { limit: 10, offset: 0 });
    expect(deletions.items).toEqual([
      expect.objectContaining({ actor: 'alice', subjectUser: 'alice', tokenId: token.id, tokenName: 'x' }),
    ]);
  });

  it('deletes all of one user’s tokens and no one else’s', async () => {
    h = await openServices(open);
    const a1 = await h.tokens.create({ owner: 'alice', name: 'a1', validity: 'P1M' }, alice);
    const a2 = await h.tokens.create({ owner: 'alice', name: 'a2', validity: 'P1M' }, alice);
    const b1 = await h.tokens.create({ owner: 'bob', name: 'b1', validity: 'P1M' }, admin);
    expect(await h.tokens.deleteAllForUser('Alice', admin)).toBe(2);
    expect(await h.tokens.list('alice')).toEqual([]);
    expect(await h.tokens.verify(b1.secret)).not.toBeNull();
    expect(h.emitted['token.deleted']).toEqual([
      { tokenIds: expect.arrayContaining([a1.token.id, a2.token.id]) },
    ]);
    const [record] = (await h.audit.list({ action: 'tokens.deleted_all' }, { limit: 10, offset: 0 })).items;
    expect(record).toMatchObject({ actor: 'admin', subjectUser: 'alice', details: { count: 2 } });
    expect(await h.tokens.deleteAllForUser('alice', admin)).toBe(0);
  });

  it('lists a user’s tokens newest first and records uses', async () => {
    h = await openServices(open);
    const first = await h.tokens.create({ owner: 'alice', name: 'first', validity: 'P1M' }, alice);
    h.setNow('2026-02-01T00:00:00.000Z');
    const second = await h.tokens.create({ owner: 'alice', name: 'second', validity: 'P1M' }, alice);
    await h.tokens.recordUse(first.token.id, '2001:db8::1', new Date('2026-02-02T03:04:05.006Z'));
    const listed = await h.tokens.list('ALICE');
    expect(listed.map((t) => t.name)).toEqual(['second', 'first']);
    expect(listed[1]).toMatchObject({
      lastUsedAt: new Date('2026-02-02T03:04:05.006Z'),
      lastUsedIp: '2001:db8::1',
    });
    expect(listed[0]).toEqual(second.token);
  });

  it('filters and paginates the administrators’ list', async () => {
    h = await openServices(open);
    const names = ['build 100%', 'build_x', 'deploy', 'Backup'];
    const created = [];
    for (const [i, name] of names.entries()) {
      h.setNow(`2026-03-0${i + 1}T00:00:00.000Z`);
      created.push(await h.tokens.create({ owner: i % 2 ? 'bob' : 'alice', name, validity: 'P1M' }, admin));
    }
    await h.tokens.recordUse(created[2]?.token.id as string, '192.0.2.7', new Date('2026-03-10T00:00:00Z'));
    const page = (filter: Parameters<typeof h.tokens.adminList>[0], limit = 10, offset = 0) =>
      h.tokens
        .adminList(filter, { limit, offset })
        .then((p) => ({ total: p.total, names: p.items.map((t) => t.name) }));
    expect(await page({})).toEqual({ total: 4, names: ['Backup', 'deploy', 'build_x', 'build 100%'] });
    expect(await page({}, 2, 1)).toEqual({ total: 4, names: ['deploy', 'build_x'] });
    expect(await page({ user: 'BOB' })).toEqual({ total: 2, names: ['Backup', 'build_x'] });
    expect(await page({ name: 'BUILD' })).toEqual({ total: 2, names: ['build_x', 'build 100%'] });
    expect(await page({ name: '100%' })).toEqual({ total: 1, names: ['build 100%'] });
    expect(await page({ name: '_' })).toEqual({ total: 1, names: ['build_x'] });
    expect(await page({ name: "'; drop table tokens; --" })).toEqual({ total: 0, names: [] });
    expect(
      await page({
        createdFrom: new Date('2026-03-02T00:00:00Z'),
        createdTo: new Date('2026-03-04T00:00:00Z'),
      }),
    ).toEqual({ total: 2, names: ['deploy', 'build_x'] });
    expect(await page({ expiresFrom: new Date('2026-04-03T00:00:00Z') })).toEqual({
      total: 2,
      names: ['Backup', 'deploy'],
    });
    expect(await page({ lastUsedFrom: new Date('2026-03-01T00:00:00Z') })).toEqual({
      total: 1,
      names: ['deploy'],
    });
    expect(await h.tokens.list('alice')).toHaveLength(2);
  });

  it('counts the tokens that outlive a lowered maximum and caps them on request', async () => {
    h = await openServices(open);
    const forever = await h.tokens.create({ owner: 'alice', name: 'forever', validity: 'never' }, alice);
    const long = await h.tokens.create({ owner: 'alice', name: 'long', validity: 'P2Y' }, alice);
    const short = await h.tokens.create({ owner: 'alice', name: 'short', validity: 'P1M' }, alice);
    h.setNow('2026-03-31T12:00:00.000Z');
    expect(await h.tokens.capToMaximum('never', { cap: true })).toEqual({ exceeding: 0, capped: 0 });
    expect(await h.tokens.capToMaximum('P6M', { cap: false })).toEqual({ exceeding: 2, capped: 0 });
    expect((await h.tokens.get(forever.token.id))?.expiresAt).toBeNull();
    expect(await h.tokens.capToMaximum('P6M', { cap: true })).toEqual({ exceeding: 2, capped: 2 });
    const limit = new Date('2026-09-30T12:00:00.000Z');
    expect((await h.tokens.get(forever.token.id))?.expiresAt).toEqual(limit);
    expect((await h.tokens.get(long.token.id))?.expiresAt).toEqual(limit);
    expect((await h.tokens.get(short.token.id))?.expiresAt).toEqual(short.token.expiresAt);
    // Only the capping run tells the validation plane (its cache holds the old expiry).
    expect(h.emitted['tokens.capped']).toEqual([{ expiresAt: limit }]);
    expect(await h.tokens.capToMaximum('P6M', { cap: false })).toEqual({ exceeding: 0, capped: 0 });
  });

  it('never stores or logs a secret in clear', async () => {
    h = await openServices(open);
    const secrets: string[] = [];
    for (let i = 0; i < 20; i++) {
      secrets.push(
        (await h.tokens.create({ owner: `user${i}`, name: `t${i}`, validity: 'P1M' }, admin)).secret,
      );
    }
    const first = await h.tokens.verify(secrets[0] as string);
    await h.tokens.delete(first?.id as string, admin);
    const logText = h.logs.join('');
    expect(logText).toContain('token created');
    for (const secret of secrets) {
      expect(logText).not.toContain(secret);
      expect(logText).not.toContain(secret.slice(4, 31));
    }
    if (h.db.sqliteFile) {
      await h.db.store.close();
      for (const suffix of ['', '-wal', '-shm']) {
        const bytes = await readFile(`${h.db.sqliteFile}${suffix}`).catch(() => Buffer.alloc(0));
        for (const secret of secrets) {
          expect(bytes.includes(secret)).toBe(false);
          expect(bytes.includes(secret.slice(4, 31))).toBe(false);
        }
      }
    }
  });
});
