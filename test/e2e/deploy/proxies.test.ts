import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/app.ts';
import type { Settings } from '../../../server/services/types.ts';
import { generateToken } from '../../../shared/token.ts';
import type { Simulator } from '../../atlassian-sim/index.ts';
import { basic, call, createToken, PROXIES, type Reply, type RunningProxy, settingsFor } from './harness.ts';
import { type Stage, startStage } from './stage.ts';

// The real proxies run the shipped files in deploy/ in front of the simulated Jira and a
// companion, in identity-header mode: the site has a header authenticator that accepts
// X-Forwarded-User only from the proxy's address, and the companion trusts X-Forwarded-For only
// from it. The default, site-token mode against a stock site, is site-token.test.ts.
const siteUser = (reply: Reply) => reply.headers['x-ausername'];

describe.each(PROXIES)(
  'the shipped $name config in front of Jira with a header authenticator',
  (proxyUnderTest) => {
    const PROXY_ADDRESS = proxyUnderTest.address;
    let stage: Stage;
    let sim: Simulator;
    let companion: RunningServer;
    let proxy: RunningProxy;
    let aliceToken: string;
    let readOnlyToken: string;

    const baseSettings: Settings = settingsFor(PROXY_ADDRESS, 'identity-header');
    const settings = (patch: Partial<Settings>) =>
      companion.deps.settings.update({ ...baseSettings, ...patch }, { actor: 'admin', remoteIp: null });

    beforeAll(async () => {
      stage = await startStage(proxyUnderTest, 'identity-header');
      ({ sim, companion, proxy } = stage);
      aliceToken = await createToken(companion);
      readOnlyToken = await createToken(companion, 'read-only');
    });
    afterAll(() => stage?.close());
    beforeEach(async () => {
      await settings({});
      sim.state.resetFailedLogins();
    });

    it('curl -u alice:<token> reaches the site as alice, without the token', async () => {
      const reply = await call(proxy, '/rest/api/2/issue/DEMO-1', {
        headers: { Authorization: basic('alice', aliceToken) },
      });
      expect(reply.status).toBe(200);
      expect(siteUser(reply)).toBe('alice');
      expect(JSON.parse(reply.body)._sim).toEqual({ user: 'alice', authMethod: 'header' });
      // The token itself never reaches the site: a site that tried it as a password would count a
      // failed login.
      expect(sim.state.requests.at(-1)).toMatchObject({
        path: '/rest/api/2/issue/DEMO-1',
        authMethod: 'header',
        authorization: null,
      });
    });

    it('a token works as Bearer on REST paths, and opens no web page', async () => {
      const bearer = await call(proxy, '/rest/api/2/myself', {
        headers: { Authorization: `Bearer ${aliceToken}` },
      });
      expect(siteUser(bearer)).toBe('alice');
      expect(sim.state.requests.at(-1)).toMatchObject({ authMethod: 'header', authorization: null });
      const page = await call(proxy, '/secure/Dashboard.jspa', {
        headers: { Authorization: basic('alice', aliceToken) },
      });
      expect(page.status).toBe(403);
      expect(page.headers['x-api-token-auth-reason']).toBe('path-not-allowed');
      expect(page.body).not.toContain('ajs-remote-user');
    });

    it('a wrong token gets 401 and the site’s failed-login count does not move', async () => {
      const before = sim.state.failedLoginCount('alice');
      const seen = sim.state.requests.length;
      for (let i = 0; i < 5; i++) {
        const reply = await call(proxy, '/rest/api/2/myself', {
          headers: { Authorization: basic('alice', generateToken()) },
        });
        expect(reply.status).toBe(401);
        expect(reply.headers['www-authenticate']).toMatch(/^Basic realm=/);
        expect(reply.headers['x-api-token-auth-reason']).toBe('invalid-token');
      }
      expect(sim.state.failedLoginCount('alice')).toBe(before);
      expect(sim.state.requests.length).toBe(seen);
      // Five wrong passwords would have locked alice behind a CAPTCHA; five wrong tokens did not.
      const after = await call(proxy, '/rest/api/2/myself', {
        headers: { Authorization: basic('alice', aliceToken) },
      });
      expect(siteUser(after)).toBe('alice');
    });

    it('a forged X-Forwarded-User from a client never reaches the site as that user', async () => {
      const forged = { 'X-Forwarded-User': 'admin' };
      const anonymous = await call(proxy, '/rest/api/2/serverInfo', { headers: forged });
      expect(siteUser(anonymous)).toBe('anonymous');
      const withPassword = await call(proxy, '/rest/api/2/myself', {
        headers: { ...forged, Authorization: basic('alice', 'alice') },
      });
      expect(siteUser(withPassword)).toBe('alice');
      const withToken = await call(proxy, '/rest/api/2/myself', {
        headers: { ...forged, Authorization: basic('alice', aliceToken) },
      });
      expect(siteUser(withToken)).toBe('alice');
      const page = await call(proxy, '/secure/Dashboard.jspa', { headers: forged });
      expect(page.body).toContain('name="ajs-remote-user" content=""');
      const companionApi = await call(proxy, '/api-token-auth/api/v1/me', { headers: forged });
      expect(companionApi.status).toBe(401);
    });

    it('passes a password on when allowed, and answers 403 when password auth is off', async () => {
      const allowed = await call(proxy, '/rest/api/2/myself', {
        headers: { Authorization: basic('alice', 'alice') },
      });
      expect(allowed.status).toBe(200);
      expect(sim.state.requests.at(-1)).toMatchObject({
        user: 'alice',
        authMethod: 'basic',
        authorization: 'basic',
      });
      await settings({ passwordBasicAuth: false });
      const seen = sim.state.requests.length;
      const refused = await call(proxy, '/rest/api/2/myself', {
        headers: { Authorization: basic('alice', 'alice') },
      });
      expect(refused.status).toBe(403);
      expect(refused.headers['x-api-token-auth-reason']).toBe('password-auth-disabled');
      expect(sim.state.requests.length).toBe(seen);
      const token = await call(proxy, '/rest/api/2/myself', {
        headers: { Authorization: basic('alice', aliceToken) },
      });
      expect(siteUser(token)).toBe('alice');
    });

    it('passes the site’s own personal access tokens through', async () => {
      const pat = sim.state.createPersonalAccessToken('bob');
      const reply = await call(proxy, '/rest/api/2/myself', { headers: { Authorization: `Bearer ${pat}` } });
      expect(siteUser(reply)).toBe('bob');
      expect(sim.state.requests.at(-1)).toMatchObject({ authMethod: 'bearer' });
    });

    it('a disallowed client address gets 403; a forged X-Forwarded-For from it changes nothing', async () => {
      await settings({ ipAllowlist: ['127.0.0.5'] });
      const auth = { Authorization: basic('alice', aliceToken) };
      expect((await call(proxy, '/rest/api/2/myself', { from: '127.0.0.5', headers: auth })).status).toBe(
        200,
      );
      const outside = await call(proxy, '/rest/api/2/myself', { from: '127.0.0.6', headers: auth });
      expect(outside.status).toBe(403);
      expect(outside.headers['x-api-token-auth-reason']).toBe('ip-not-allowed');
      for (const xff of ['127.0.0.5', '127.0.0.5, 127.0.0.3', '127.0.0.3']) {
        const forged = await call(proxy, '/rest/api/2/myself', {
          from: '127.0.0.6',
          headers: { ...auth, 'X-Forwarded-For': xff, 'X-Real-IP': '127.0.0.5' },
        });
        expect(forged.status).toBe(403);
      }
      const password = await call(proxy, '/rest/api/2/myself', {
        from: '127.0.0.6',
        headers: { Authorization: basic('alice', 'alice') },
      });
      expect(password.status).toBe(403);
      const session = await call(proxy, '/rest/api/2/serverInfo', { from: '127.0.0.6' });
      expect(session.status).toBe(200);
    });

    it('a read-only token may read but not write', async () => {
      const auth = { Authorization: basic('alice', readOnlyToken) };
      expect((await call(proxy, '/rest/api/2/issue/DEMO-1', { headers: auth })).status).toBe(200);
      const write = await call(proxy, '/rest/api/2/issue/DEMO-1', { method: 'POST', headers: auth });
      expect(write.status).toBe(403);
      expect(write.headers['x-api-token-auth-reason']).toBe('scope-read-only');
    });

    it('never lets two Authorization headers reach the site', async () => {
      const seen = sim.state.requests.length;
      const reply = await call(proxy, '/rest/api/2/myself', {
        headers: { Authorization: [basic('alice', aliceToken), basic('admin', 'admin')] },
      });
      expect(reply.status).toBe(proxyUnderTest.duplicateAuthorization.status);
      expect(reply.headers['x-api-token-auth-reason']).toBe(proxyUnderTest.duplicateAuthorization.reason);
      expect(sim.state.requests.length).toBe(seen);
    });

    it('serves the companion on the site’s origin, but not its validation endpoints', async () => {
      expect((await call(proxy, '/api-token-auth/healthz')).status).toBe(200);
      const me = await call(proxy, '/api-token-auth/api/v1/me', {
        headers: { Authorization: basic('alice', aliceToken) },
      });
      expect(JSON.parse(me.body)).toMatchObject({ username: 'alice' });
      expect((await call(proxy, '/api-token-auth/authz/auth-request')).status).toBe(404);
    });

    // Last: stops the companion.
    it('fails closed when the companion is down, while browser traffic still reaches the site', async () => {
      await companion.close();
      const seen = sim.state.requests.length;
      const token = await call(proxy, '/rest/api/2/myself', {
        headers: { Authorization: basic('alice', aliceToken) },
      });
      expect(token.status).toBe(proxyUnderTest.companionDownStatus);
      expect(sim.state.requests.length).toBe(seen);
      expect((await call(proxy, '/rest/api/2/serverInfo')).status).toBe(200);
    });
  },
);
