import { afterEach, describe, expect, it } from 'vitest';
import type { DirectoryUser } from '../../../server/directory/index.ts';
import type { RequestContext, TokenIssuer, TokenRecord, ViaToken } from '../../../server/services/types.ts';
import { DATABASES } from './databases.ts';
import { admin, alice, type Harness, openServices } from './harness.ts';

// Who may create tokens for whom, and what a token may create: each rule on both databases.
const ALICE: TokenIssuer = {
  username: 'alice',
  key: 'k-alice',
  isAdmin: false,
  permissions: { useTokens: true, createOwnTokens: true, createTokensForOthers: false },
};
const ADMIN: TokenIssuer = {
  username: 'admin',
  key: 'k-admin',
  isAdmin: true,
  permissions: { useTokens: true, createOwnTokens: true, createTokensForOthers: true },
};
const user = (username: string, extra: Partial<DirectoryUser> = {}): DirectoryUser => ({
  username,
  key: `k-${username}`,
  displayName: username,
  active: true,
  groups: [],
  isAdmin: false,
  ...extra,
});
const SITE = new Map([
  ['bob', user('bob')],
  ['carol', user('carol', { active: false })],
  ['root', user('root', { isAdmin: true })],
]);

const via = (t: TokenRecord): ViaToken => ({
  id: t.id,
  name: t.name,
  expiresAt: t.expiresAt,
  ipAllowlist: t.ipAllowlist,
  scope: t.scope,
});

describe.each(DATABASES)('creating tokens on $name', ({ open }) => {
  let h: Harness;
  const asked: string[] = [];
  const users = {
    async lookupUser(name: string) {
      asked.push(name);
      return SITE.get(name.toLowerCase()) ?? null;
    },
  };
  afterEach(async () => {
    asked.length = 0;
    await h?.db.dispose();
  });
  const created = async () =>
    (await h.audit.list({ action: 'token.created' }, { limit: 50, offset: 0 })).total;
  /** A token of alice's, and the request context of a call authenticated with it a month later. */
  const parentToken = async (request: Partial<Parameters<Harness['tokens']['createOwn']>[1]> = {}) => {
    const { token } = await h.tokens.createOwn(ALICE, { name: 'parent', validity: 'P6M', ...request }, alice);
    h.setNow('2026-02-28T10:00:00.000Z');
    const ctx: RequestContext = { ...alice, viaToken: via(token) };
    return { parent: token, ctx };
  };

  describe('who may create for whom', () => {
    it('needs Create Tokens for oneself', async () => {
      h = await openServices(open);
      const without = { ...ALICE, permissions: { ...ALICE.permissions, createOwnTokens: false } };
      const attempt = h.tokens.createOwn(without, { name: 'x', validity: 'P1M' }, alice);
      await expect(attempt).rejects.toMatchObject({ status: 403, code: 'permission_denied' });
      const { token } = await h.tokens.createOwn(ALICE, { name: 'x', validity: 'P1M' }, alice);
      expect(token).toMatchObject({ owner: 'alice', ownerKey: 'k-alice', createdBy: 'alice' });
      expect(await created()).toBe(1);
    });

    it('needs Create Tokens for Other Users, checked before the site is asked', async () => {
      h = await openServices(open);
      const attempt = h.tokens.createForUser(ALICE, 'bob', { name: 'x', validity: 'P1M' }, alice, users);
      await expect(attempt).rejects.toMatchObject({ status: 403, code: 'permission_denied' });
      expect(asked).toEqual([]);
      const lead = { ...ALICE, permissions: { ...ALICE.permissions, createTokensForOthers: true } };
      const { token } = await h.tokens.createForUser(
        lead,
        'Bob',
        { name: 'x', validity: 'P1M' },
        alice,
        users,
      );
      expect(token).toMatchObject({ owner: 'bob', ownerKey: 'k-bob', createdBy: 'alice' });
      expect(await created()).toBe(1);
    });

    it('refuses an unknown user (404), a deactivated one (400) and an administrator unless an administrator asks', async () => {
      h = await openServices(open);
      const lead = { ...ALICE, permissions: { ...ALICE.permissions, createTokensForOthers: true } };
      const ask = (issuer: TokenIssuer, name: string) =>
        h.tokens.createForUser(issuer, name, { name: 'x', validity: 'P1M' }, alice, users);
      await expect(ask(lead, 'nobody')).rejects.toMatchObject({ status: 404 });
      await expect(ask(lead, 'carol')).rejects.toMatchObject({ status: 400, message: /deactivated/ });
      await expect(ask(lead, 'root')).rejects.toMatchObject({ status: 403, code: 'admin_required' });
      expect(await created()).toBe(0);
      await expect(ask(ADMIN, 'root')).resolves.toMatchObject({ token: { owner: 'root' } });
    });
  });

  describe('a token creating tokens', () => {
    it('refuses a never-expiring child of an expiring parent, naming its expiry and what is allowed', async () => {
      h = await openServices(open);
      const { parent, ctx } = await parentToken();
      const attempt = h.tokens.createOwn(ALICE, { name: 'child', validity: 'never' }, ctx);
      await expect(attempt).rejects.toMatchObject({
        status: 403,
        code: 'wider_than_parent_token',
        details: {
          parentExpiresAt: '2026-07-31T10:00:00.000Z',
          allowed: ['P1M', 'P2M', 'P3M', 'P4M', 'P5M'],
        },
      });
      await expect(attempt).rejects.toThrow(/"parent".*2026-07-31T10:00:00.000Z.*P1M, P2M, P3M, P4M, P5M/);
      expect(await h.tokens.list('alice')).toEqual([parent]);
    });

    it('refuses a child that outlives its parent and allows one ending exactly with it', async () => {
      h = await openServices(open);
      const { ctx } = await parentToken();
      await expect(h.tokens.createOwn(ALICE, { name: 'c', validity: 'P6M' }, ctx)).rejects.toMatchObject({
        code: 'wider_than_parent_token',
      });
      const { token } = await h.tokens.createOwn(ALICE, { name: 'c', validity: 'P5M' }, ctx);
      expect(token.expiresAt).toEqual(new Date('2026-07-28T10:00:00.000Z'));
      expect(await created()).toBe(2);
    });

    it('says so when no validity ends before its parent does', async () => {
      h = await openServices(open);
      const { ctx } = await parentToken({ validity: 'P1M' });
      h.setNow('2026-02-27T10:00:00.000Z');
      await expect(h.tokens.createOwn(ALICE, { name: 'c', validity: 'P1M' }, ctx)).rejects.toMatchObject({
        details: { allowed: [] },
        message: expect.stringContaining('No validity ends by then'),
      });
    });

    it('lets a never-expiring parent create a never-expiring child', async () => {
      h = await openServices(open);
      const { ctx } = await parentToken({ validity: 'never' });
      await expect(h.tokens.createOwn(ALICE, { name: 'c', validity: 'never' }, ctx)).resolves.toMatchObject({
        token: { expiresAt: null },
      });
    });

    it('keeps the child within the parent’s IP allowlist, and gives it one', async () => {
      h = await openServices(open);
      const { ctx } = await parentToken({ validity: 'never', ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] });
      const ask = (ipAllowlist?: string[]) =>
        h.tokens.createOwn(ALICE, { name: 'c', validity: 'never', ipAllowlist }, ctx);
      await expect(ask()).rejects.toMatchObject({
        code: 'wider_than_parent_token',
        message: expect.stringContaining('needs an IP allowlist too'),
      });
      await expect(ask(['10.1.0.0/16', '192.0.2.1'])).rejects.toMatchObject({
        details: { outside: ['192.0.2.1'], parentIpAllowlist: ['10.0.0.0/8', '2001:db8::/32'] },
      });
      await expect(ask(['10.0.0.0/7'])).rejects.toMatchObject({ details: { outside: ['10.0.0.0/7'] } });
      expect(await created()).toBe(1);
      const { token } = await ask(['10.1.0.0/16', '2001:db8:1::7', '10.0.0.0/8']);
      expect(token.ipAllowlist).toEqual(['10.1.0.0/16', '2001:db8:1::7', '10.0.0.0/8']);
    });

    it('lets a read-only parent create read-only children only', async () => {
      h = await openServices(open);
      const { ctx } = await parentToken({ validity: 'never', scope: 'read-only' });
      for (const scope of ['read-write', undefined] as const) {
        await expect(
          h.tokens.createOwn(ALICE, { name: 'c', validity: 'never', scope }, ctx),
        ).rejects.toMatchObject({ code: 'wider_than_parent_token', details: { parentScope: 'read-only' } });
      }
      const { token } = await h.tokens.createOwn(
        ALICE,
        { name: 'c', validity: 'never', scope: 'read-only' },
        ctx,
      );
      expect(token.scope).toBe('read-only');
    });

    it('names the parent token in the audit record of the creation', async () => {
      h = await openServices(open);
      const { parent, ctx } = await parentToken();
      const { token } = await h.tokens.createOwn(ALICE, { name: 'child', validity: 'P1M' }, ctx);
      const [record] = (await h.audit.list({ tokenId: token.id }, { limit: 1, offset: 0 })).items;
      expect(record?.details).toEqual({
        validity: 'P1M',
        scope: 'read-write',
        expiresAt: token.expiresAt?.toISOString(),
        parentTokenId: parent.id,
        parentTokenName: 'parent',
      });
      const [own] = (await h.audit.list({ tokenId: parent.id }, { limit: 1, offset: 0 })).items;
      expect(own?.details).not.toHaveProperty('parentTokenId');
    });

    it('holds for an administrator’s token creating for others too', async () => {
      h = await openServices(open);
      const { token: parent } = await h.tokens.createOwn(
        ADMIN,
        { name: 'admin script', validity: 'P1M', ipAllowlist: ['192.0.2.0/24'] },
        admin,
      );
      const ctx: RequestContext = { ...admin, viaToken: via(parent) };
      const ask = (request: { validity: 'P1M' | 'never'; ipAllowlist?: string[] }) =>
        h.tokens.createForUser(ADMIN, 'bob', { name: 'for bob', ...request }, ctx, users);
      await expect(ask({ validity: 'never', ipAllowlist: ['192.0.2.7'] })).rejects.toMatchObject({
        code: 'wider_than_parent_token',
      });
      await expect(ask({ validity: 'P1M' })).rejects.toMatchObject({ code: 'wider_than_parent_token' });
      const { token } = await ask({ validity: 'P1M', ipAllowlist: ['192.0.2.7'] });
      const [record] = (await h.audit.list({ tokenId: token.id }, { limit: 1, offset: 0 })).items;
      expect(record).toMatchObject({
        actor: 'admin',
        subjectUser: 'bob',
        details: { parentTokenId: parent.id, parentTokenName: 'admin script' },
      });
    });
  });
});
