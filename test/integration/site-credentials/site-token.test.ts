import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../../shared/token.ts';
import { api, BASE, basic, DATABASES, dumpDatabase, type Harness, startHarness } from '../api/harness.ts';

// Site-token mode (the default) against a stock simulated site: nothing there trusts an identity
// header, so a token works only because the proxy hands the site its owner's own PAT.

const FLAVOURS = ['jira9', 'confluence8'] as const;

/** A second connection to the companion's database, for what only time would do. */
async function onDatabase(h: Harness, work: (conn: Knex) => Promise<unknown>): Promise<void> {
  const conn = h.db.sqliteFile
    ? knex({ client: 'sqlite3', connection: { filename: h.db.sqliteFile }, useNullAsDefault: true })
    : knex({ client: 'pg', connection: h.db.url });
  try {
    await work(conn);
  } finally {
    await conn.destroy();
  }
}

describe.each(DATABASES)('site-token mode on %s', (db) => {
  describe.each(FLAVOURS)('%s', (flavour) => {
    let h: Harness;
    const myself = flavour === 'jira9' ? '/rest/api/2/myself' : '/rest/api/user/current';
    const check = (authorization: string) =>
      h.http
        .get(`${BASE}/authz/forward-auth`)
        .set('X-Forwarded-Method', 'GET')
        .set('X-Forwarded-Uri', myself)
        .set('Authorization', authorization);
    const createOwn = async (cookie: string, name = 'ci') =>
      (await h.http.post(api('/tokens')).set('Cookie', cookie).send({ name, validity: 'P1M' }).expect(201))
        .body as { token: { id: string; siteCredential?: string }; secret: string };
    const managedPats = (user: string) =>
      h.sim.state.personalAccessTokens(user).filter((p) => p.name === 'api-token-auth');
    const siteSays = async (authorization: string) => {
      const res = await fetch(`${h.sim.baseUrl}${myself}`, { headers: { Authorization: authorization } });
      const body = (await res.json()) as { name?: string; username?: string };
      return body.name ?? body.username ?? null;
    };

    beforeAll(async () => {
      h = await startHarness({ db, flavour });
    });
    afterAll(() => h?.close());

    it('a token created in the panel is served by its owner’s own PAT, never seen by the site', async () => {
      const cookie = await h.login('alice');
      const { token, secret } = await createOwn(cookie);
      expect(token.siteCredential).toBe('ready');
      expect(managedPats('alice')).toHaveLength(1);
      const allowed = await check(basic('alice', secret)).expect(200);
      const site = allowed.headers.authorization as string;
      expect(site).toMatch(/^Bearer [MNO][A-Za-z0-9+/]{43}$/);
      expect(allowed.headers['x-forwarded-user']).toBeUndefined();
      // What the site receives authenticates alice there: the PAT is hers.
      expect(await siteSays(site)).toBe('alice');
      // Nothing of it is stored or logged in clear.
      const pat = site.slice('Bearer '.length);
      expect(await dumpDatabase(h.db)).not.toContain(pat);
      expect(h.logs.join('\n')).not.toContain(pat);
      expect(JSON.stringify(await h.deps.audit.list({}, { limit: 500, offset: 0 }))).not.toContain(pat);
    });

    it('twelve tokens share one managed PAT; deleting them all removes it from the site', async () => {
      const cookie = await h.login('bob');
      const secrets: string[] = [];
      for (let i = 0; i < 12; i++) secrets.push((await createOwn(cookie, `t${i}`)).secret);
      expect(managedPats('bob')).toHaveLength(1);
      for (const secret of [secrets[0], secrets[11]]) await check(basic('bob', secret as string)).expect(200);
      await h.http.delete(api('/tokens')).set('Cookie', cookie).expect(200);
      await expect.poll(() => managedPats('bob').length, { timeout: 5000 }).toBe(0);
    });

    it('a token an administrator made for someone works after their first visit', async () => {
      const admin = await h.login('admin');
      const made = await h.http
        .post(api('/admin/users/carol/tokens'))
        .set('Cookie', admin)
        .send({ name: 'for carol', validity: 'P1M' })
        .expect(201);
      expect(made.body.token.siteCredential).toBe('pending');
      const pending = await check(basic('carol', made.body.secret)).expect(403);
      expect(pending.headers['x-api-token-auth-reason']).toBe('site-credential-pending');
      // carol opens the site: the extension asks /me with her session.
      await h.http
        .get(api('/me'))
        .set('Cookie', await h.login('carol'))
        .expect(200);
      // Sealed for her tokens once provisioning is through: the PAT exists on the site before that.
      const status = async () =>
        (await h.http.get(api('/admin/tokens?user=carol')).set('Cookie', admin)).body.items[0]
          ?.siteCredential;
      await expect.poll(status, { timeout: 5000 }).toBe('ready');
      expect(managedPats('carol')).toHaveLength(1);
      const allowed = await check(basic('carol', made.body.secret)).expect(200);
      expect(await siteSays(allowed.headers.authorization as string)).toBe('carol');
    });

    it('a token made for someone who already has a site PAT works once any of their tokens is used', async () => {
      h.sim.state.directory.add('fred', { groups: ['developers'] });
      const { secret: own } = await createOwn(await h.login('fred'));
      const made = await h.http
        .post(api('/admin/users/fred/tokens'))
        .set('Cookie', await h.login('admin'))
        .send({ name: 'for fred', validity: 'P1M' })
        .expect(201);
      await check(basic('fred', made.body.secret)).expect(403);
      // fred's script uses his own token: its opened PAT is sealed for the new one too.
      await check(basic('fred', own)).expect(200);
      await expect
        .poll(async () => (await check(basic('fred', made.body.secret))).status, { timeout: 5000 })
        .toBe(200);
      expect(managedPats('fred')).toHaveLength(1);
    });

    it('a PAT revoked on the site refuses its tokens until the owner’s next visit renews it', async () => {
      h.sim.state.directory.add('dora', { groups: ['developers'] });
      const cookie = await h.login('dora');
      const { secret } = await createOwn(cookie);
      const [pat] = managedPats('dora');
      h.sim.state.revokePersonalAccessToken('dora', pat?.id as number);
      const refused = await check(basic('dora', secret)).expect(403);
      expect(refused.headers['x-api-token-auth-reason']).toBe('site-credential-refused');
      const listed = await h.http.get(api('/tokens')).set('Cookie', cookie).expect(200);
      expect(listed.body[0].siteCredential).toBe('refused');
      await h.http.get(api('/me')).set('Cookie', cookie).expect(200);
      await expect
        .poll(async () => (await h.http.get(api('/tokens')).set('Cookie', cookie)).body[0].siteCredential, {
          timeout: 5000,
        })
        .toBe('ready');
      expect(managedPats('dora')).toHaveLength(1);
      await check(basic('dora', secret)).expect(200);
    });

    it('a PAT close to its expiry is replaced with the PAT itself during a request', async () => {
      h.sim.state.directory.add('eve', { groups: ['developers'] });
      const cookie = await h.login('eve');
      const { secret } = await createOwn(cookie);
      const [before] = managedPats('eve');
      // As if a year had nearly passed.
      const soon = Date.now() + 24 * 3600 * 1000;
      await onDatabase(h, (conn) => conn('site_credentials').update({ expires_at: soon }));
      await check(basic('eve', secret)).expect(200);
      // The new one is created first, then the old one deleted: one managed PAT again, another one.
      await expect
        .poll(() => managedPats('eve').map((p) => p.id === before?.id), { timeout: 5000 })
        .toEqual([false]);
      h.deps.authz.cache.clear();
      await check(basic('eve', secret)).expect(200);
    });

    it('on a site with personal access tokens switched off, creation says so and makes nothing', async () => {
      const cookie = await h.login('alice');
      const before = (await h.http.get(api('/tokens')).set('Cookie', cookie)).body.length;
      h.sim.state.pats.settings.enabled = false;
      try {
        const refused = await h.http
          .post(api('/tokens'))
          .set('Cookie', cookie)
          .send({ name: 'ci', validity: 'P1M' })
          .expect(409);
        expect(refused.body.error.code).toBe('site_tokens_disabled');
        expect(refused.body.error.message).toMatch(/identity-header/);
      } finally {
        h.sim.state.pats.settings.enabled = true;
      }
      expect((await h.http.get(api('/tokens')).set('Cookie', cookie)).body).toHaveLength(before);
    });

    it('a wrong token counts no failed login on the site', async () => {
      const before = h.sim.state.failedLoginCount('alice');
      await check(basic('alice', generateToken())).expect(401);
      expect(h.sim.state.failedLoginCount('alice')).toBe(before);
    });
  });
});
