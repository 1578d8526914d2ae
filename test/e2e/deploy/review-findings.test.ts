import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/app.ts';
import type { Settings } from '../../../server/services/types.ts';
import type { Simulator } from '../../atlassian-sim/index.ts';
import { basic, call, createToken, PROXIES, type RunningProxy, settingsFor } from './harness.ts';
import { type Stage, startStage } from './stage.ts';

// The reproductions of the outside review (issue 10), tried as an attacker would: through the
// shipped nginx and Caddy files in front of the simulated Jira and a real companion (identity-header
// mode, where a forged identity header would matter most).

const ALLOWED = '127.0.0.5';
const OUTSIDE = '127.0.0.6';

describe.each(PROXIES)('the shipped $name config against the review’s reproductions', (proxyUnderTest) => {
  let stage: Stage;
  let sim: Simulator;
  let companion: RunningServer;
  let proxy: RunningProxy;
  let token: string;

  const settings = (patch: Partial<Settings>) =>
    companion.deps.settings.update(
      { ...settingsFor(proxyUnderTest.address, 'identity-header'), ...patch },
      { actor: 'admin', remoteIp: null },
    );
  const reachedSite = () => sim.state.requests.length;

  beforeAll(async () => {
    stage = await startStage(proxyUnderTest, 'identity-header');
    ({ sim, companion, proxy } = stage);
    token = await createToken(companion);
  });
  afterAll(() => stage?.close());
  beforeEach(async () => {
    await settings({});
    sim.state.resetFailedLogins();
  });

  describe.each(['X-Real-IP', 'X-Forwarded-For'])('with %s as the client IP header', (clientIpHeader) => {
    beforeEach(() =>
      settings({
        ipAllowlist: [ALLOWED],
        reverseProxy: { enabled: true, trustedProxies: [proxyUnderTest.address], clientIpHeader },
      }),
    );

    it.each([
      ['a token', () => basic('alice', token)],
      ['a password', () => basic('alice', 'alice')],
    ])('%s from an allowed address passes, and a forged address from outside does not', async (_, auth) => {
      const allowed = await call(proxy, '/rest/api/2/myself', {
        from: ALLOWED,
        headers: { Authorization: auth() },
      });
      expect(allowed.status).toBe(200);
      const seen = reachedSite();
      const forgeries: Record<string, string>[] = [
        { 'X-Real-IP': ALLOWED },
        { 'X-Forwarded-For': ALLOWED },
        { 'X-Real-IP': ALLOWED, 'X-Forwarded-For': `${ALLOWED}, ${proxyUnderTest.address}` },
      ];
      for (const forged of forgeries) {
        const refused = await call(proxy, '/rest/api/2/myself', {
          from: OUTSIDE,
          headers: { ...forged, Authorization: auth() },
        });
        expect(refused.status, JSON.stringify(forged)).toBe(403);
        expect(refused.headers['x-api-token-auth-reason']).toBe('ip-not-allowed');
      }
      expect(reachedSite()).toBe(seen);
    });
  });

  describe('credentials in the query (Seraph’s os_username / os_password)', () => {
    const target = '/rest/api/2/myself?os_username=alice&os_password=alice';

    it('are refused like a password while password Basic auth is off', async () => {
      await settings({ passwordBasicAuth: false });
      const seen = reachedSite();
      for (const query of [target, '/secure/Dashboard.jspa?os_username=alice&os_password=alice']) {
        const refused = await call(proxy, query);
        expect(refused.status, query).toBe(403);
        expect(refused.headers['x-api-token-auth-reason']).toBe('password-auth-disabled');
      }
      expect(reachedSite()).toBe(seen);
    });

    it('are held to the IP allowlist', async () => {
      await settings({ ipAllowlist: [ALLOWED] });
      const refused = await call(proxy, target, { from: OUTSIDE, headers: { 'X-Real-IP': ALLOWED } });
      expect(refused.status).toBe(403);
      expect(refused.headers['x-api-token-auth-reason']).toBe('ip-not-allowed');
    });
  });

  it.each([
    '/api-token-auth/authz/ext-authz/../../x',
    '/api-token-auth/authz/ext-authz/%2e%2e/%2e%2e/x',
    '/api-token-auth/authz/ext-authz/%2E%2E/%2e%2E/rest/api/2/myself',
    '/api-token-auth/x/../authz/auth-request',
    '/api-token-auth//authz/forward-auth',
    '/api-token-auth/authz%2fext-authz/rest/api/2/myself',
  ])('%s is no token oracle', async (target) => {
    const reply = await call(proxy, target, {
      headers: {
        Authorization: basic('alice', token),
        'X-Original-URI': '/rest/api/2/myself',
        'X-Forwarded-Uri': '/rest/api/2/myself',
        'X-Original-Method': 'GET',
      },
    });
    expect(reply.status).not.toBe(200);
    expect(reply.headers['x-forwarded-user']).toBeUndefined();
    expect(reply.headers['x-api-token-auth-mode']).toBeUndefined();
  });

  describe('no site session for credentials', () => {
    const login = (headers: Record<string, string>) =>
      ({
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice' }),
      }) as const;
    const cookieNames = (value: string | string[] | undefined) =>
      [value ?? []].flat().map((cookie) => cookie.slice(0, cookie.indexOf('=')));

    it('the site does hand out a session to such a request (else this proves nothing)', async () => {
      const direct = await call({ port: sim.port }, '/rest/auth/1/session', login({}));
      expect(cookieNames(direct.headers['set-cookie'])).toContain('JSESSIONID');
    });

    it.each([
      ['a password', () => basic('alice', 'alice')],
      ['a token', () => basic('alice', token)],
    ])('a request with %s gets no Set-Cookie back', async (_, auth) => {
      const reply = await call(proxy, '/rest/auth/1/session', login({ Authorization: auth() }));
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ session: { name: 'JSESSIONID' } });
      expect(reply.headers['set-cookie']).toBeUndefined();
    });

    it('a password request for a web page gets no Set-Cookie back either', async () => {
      const page = await call(proxy, '/secure/Dashboard.jspa', {
        headers: { Authorization: basic('alice', 'alice') },
      });
      expect(page.body).toContain('name="ajs-remote-user" content="alice"');
      expect(page.headers['set-cookie']).toBeUndefined();
    });

    it('a browser still logs in with the form and gets its session', async () => {
      const reply = await call(proxy, '/login.jsp', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'os_username=alice&os_password=alice&os_destination=%2Fsecure%2FDashboard.jspa',
      });
      expect(cookieNames(reply.headers['set-cookie'])).toContain('JSESSIONID');
    });
  });

  it.each([
    '/secure/Dashboard.jspa',
    '/rest/api/2/../../../secure/Dashboard.jspa',
    '/rest/api/2/%2e%2e/%2e%2e/%2e%2e/secure/Dashboard.jspa',
  ])('a token opens no web page: %s', async (target) => {
    const page = await call(proxy, target, { headers: { Authorization: basic('alice', token) } });
    // Refused by the companion (nginx passes on only its 401 and 403).
    expect([400, 403]).toContain(page.status);
    expect(page.body).not.toContain('ajs-remote-user');
  });
});
