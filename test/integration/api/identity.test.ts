import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, basic, DATABASES, type Harness, startHarness } from './harness.ts';

// Who is calling: the site's session cookie (asked from the site), one of the caller's own API
// tokens (for scripts), or the site password when password auth is allowed.
describe.each(DATABASES)('identity on %s', (db) => {
  describe.each(['jira9', 'confluence8'] as const)('%s', (flavour) => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ db, flavour });
    });
    afterAll(() => h?.close());

    it('identifies a session-cookie user through the site', async () => {
      const cookie = await h.login('alice');
      const res = await h.http.get(api('/me')).set('Cookie', cookie).expect(200);
      expect(res.body).toMatchObject({
        username: 'alice',
        isAdmin: false,
        product: h.sim.product,
        permissions: { useTokens: true, createOwnTokens: true, createTokensForOthers: false },
        validityOptions: ['P1M', 'P2M', 'P3M', 'P4M', 'P5M', 'P6M', 'P1Y', 'P2Y', 'never'],
      });
      expect(res.body.displayName).toEqual(expect.any(String));
    });

    it('reports site administrators with every permission', async () => {
      const res = await h.http
        .get(api('/me'))
        .set('Cookie', await h.login('admin'))
        .expect(200);
      expect(res.body).toMatchObject({
        username: 'admin',
        isAdmin: true,
        permissions: { useTokens: true, createOwnTokens: true, createTokensForOthers: true },
      });
    });

    it('refuses anonymous callers and a made-up session with 401', async () => {
      const anonymous = await h.http.get(api('/me')).expect(401);
      expect(anonymous.body.error.code).toBe('unauthorized');
      await h.http.get(api('/me')).set('Cookie', 'JSESSIONID=forged').expect(401);
    });

    it('never trusts identity or forwarding headers sent by the caller', async () => {
      await h.http.get(api('/me')).set('X-Forwarded-User', 'admin').set('X-AUSERNAME', 'admin').expect(401);
      const cookie = await h.login('alice');
      const res = await h.http
        .get(api('/me'))
        .set('Cookie', cookie)
        .set('X-Forwarded-User', 'admin')
        .expect(200);
      expect(res.body).toMatchObject({ username: 'alice', isAdmin: false });
      await h.http
        .get(api('/admin/settings'))
        .set('Cookie', cookie)
        .set('X-Forwarded-User', 'admin')
        .expect(403);
    });

    it('refuses two Authorization headers, though Node would keep the first (valid) one', async () => {
      const server = createServer(h.app.callback());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const status = await new Promise<number | undefined>((resolve, reject) => {
          const headers = ['Host', `127.0.0.1:${port}`, 'Authorization', basic('alice', 'alice')];
          headers.push('Authorization', basic('bob', 'bob'));
          request({ host: '127.0.0.1', port, path: api('/me'), headers }, (res) => {
            res.resume();
            resolve(res.statusCode);
          })
            .on('error', reject)
            .end();
        });
        expect(status).toBe(401);
      } finally {
        server.close();
      }
    });

    it('identifies a script by its own API token, as Basic user:token or Bearer', async () => {
      const cookie = await h.login('bob');
      const created = await h.http
        .post(api('/tokens'))
        .set('Cookie', cookie)
        .send({ name: 'script', validity: 'P1M' })
        .expect(201);
      const secret: string = created.body.secret;
      const asBasic = await h.http.get(api('/me')).set('Authorization', basic('bob', secret)).expect(200);
      expect(asBasic.body.username).toBe('bob');
      await h.http.get(api('/me')).set('Authorization', basic('BOB', secret)).expect(200);
      const asBearer = await h.http.get(api('/tokens')).set('Authorization', `Bearer ${secret}`).expect(200);
      expect(asBearer.body.map((t: { name: string }) => t.name)).toContain('script');
      // The token is bob's: claiming it for alice fails, and so does a mistyped token.
      await h.http.get(api('/me')).set('Authorization', basic('alice', secret)).expect(401);
      const mistyped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
      await h.http.get(api('/me')).set('Authorization', basic('bob', mistyped)).expect(401);
    });

    it('accepts the site password only while password Basic auth is allowed', async () => {
      const res = await h.http.get(api('/me')).set('Authorization', basic('carol', 'carol')).expect(200);
      expect(res.body.username).toBe('carol');
      await h.http.get(api('/me')).set('Authorization', basic('carol', 'wrong')).expect(401);
      const adminCookie = await h.login('admin');
      const settings = (await h.http.get(api('/admin/settings')).set('Cookie', adminCookie).expect(200)).body;
      await h.http
        .put(api('/admin/settings'))
        .set('Cookie', adminCookie)
        .send({ ...settings, passwordBasicAuth: false })
        .expect(200);
      // 403 as on the proxies' plane: the credential is fine, the rules say no.
      const refused = await h.http.get(api('/me')).set('Authorization', basic('carol', 'carol')).expect(403);
      expect(refused.body.error.code).toBe('password_auth_disabled');
      expect(refused.body.error.message).toMatch(/password/i);
      await h.http.put(api('/admin/settings')).set('Cookie', adminCookie).send(settings).expect(200);
    });

    it('holds a token to its own allowlist, the global allowlist and its scope', async () => {
      const cookie = await h.login('bob');
      const mint = async (body: object) =>
        (
          await h.http
            .post(api('/tokens'))
            .set('Cookie', cookie)
            .send({ validity: 'P1M', ...body })
            .expect(201)
        ).body.secret as string;
      const elsewhere = await mint({ name: 'elsewhere', ipAllowlist: ['10.0.0.0/8'] });
      const here = await mint({ name: 'here', ipAllowlist: ['127.0.0.1'] });
      const readOnly = await mint({ name: 'read only', scope: 'read-only' });
      const denied = await h.http.get(api('/me')).set('Authorization', basic('bob', elsewhere)).expect(403);
      expect(denied.body.error.code).toBe('ip_denied');
      await h.http.get(api('/me')).set('Authorization', basic('bob', here)).expect(200);
      await h.http.get(api('/tokens')).set('Authorization', `Bearer ${readOnly}`).expect(200);
      const write = await h.http
        .post(api('/tokens'))
        .set('Authorization', `Bearer ${readOnly}`)
        .send({ name: 'escalate', validity: 'never' })
        .expect(403);
      expect(write.body.error.code).toBe('read_only_token');
      const adminCookie = await h.login('admin');
      const settings = (await h.http.get(api('/admin/settings')).set('Cookie', adminCookie).expect(200)).body;
      await h.http
        .put(api('/admin/settings'))
        .set('Cookie', adminCookie)
        .send({ ...settings, ipAllowlist: ['192.0.2.0/24'] })
        .expect(200);
      try {
        await h.http.get(api('/me')).set('Authorization', basic('bob', here)).expect(403);
        await h.http.get(api('/me')).set('Authorization', basic('bob', 'bob')).expect(403);
        // A browser session carries no Authorization header: the allowlist is for tokens and passwords.
        await h.http.get(api('/me')).set('Cookie', cookie).expect(200);
      } finally {
        await h.http.put(api('/admin/settings')).set('Cookie', adminCookie).send(settings).expect(200);
      }
    });

    it('refuses a token whose owner was deactivated on the site', async () => {
      const cookie = await h.login('carol');
      const { secret } = (
        await h.http
          .post(api('/tokens'))
          .set('Cookie', cookie)
          .send({ name: 'ci', validity: 'P1M' })
          .expect(201)
      ).body;
      h.sim.state.setActive('carol', false);
      try {
        // carol's user record was never looked up by name before, so no cached copy hides the change.
        const refused = await h.http.get(api('/me')).set('Authorization', basic('carol', secret)).expect(403);
        expect(refused.body.error.code).toBe('user_inactive');
      } finally {
        h.sim.state.setActive('carol', true);
      }
    });
  });
});

describe.each(DATABASES)('site unreachable on %s', (db) => {
  let h: Harness;
  let cookie: string;
  beforeAll(async () => {
    h = await startHarness({ db });
    cookie = await h.login('alice');
    await h.stopSite();
  });
  afterAll(() => h?.close());

  it('answers 503 with a clear message, never a guess', async () => {
    const res = await h.http.get(api('/me')).set('Cookie', cookie).expect(503);
    expect(res.body.error.code).toBe('site_unavailable');
    expect(res.body.error.message).toMatch(/cannot be reached/);
  });

  it('reports not ready, while healthz still answers', async () => {
    await h.http.get('/api-token-auth/healthz').expect(200);
    const ready = await h.http.get('/api-token-auth/readyz').expect(503);
    expect(ready.body.checks).toMatchObject({ database: 'ok' });
    expect(ready.body.checks.site).not.toBe('ok');
  });
});
