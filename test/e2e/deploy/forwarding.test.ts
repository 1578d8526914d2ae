import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { basic, call, PROXIES, type RunningProxy } from './harness.ts';
import {
  type Answer,
  companionAnswer,
  type RecordingUpstream,
  SITE_COOKIES,
  SITE_PAT,
  siteAnswer,
  startRecordingUpstream,
} from './recording-upstream.ts';
import { BROWSER_TARGETS, QUERY_CREDENTIAL_TARGETS, UNNORMALISED_COMPANION_TARGETS } from './targets.ts';

// What the shipped configs themselves forward, whatever the companion decides: each proxy runs its
// file from deploy/ in front of a recording site and a recording companion that allows everything.
// The real companion's answers are covered by proxies.test.ts and review-findings.test.ts.

const CLIENT = '127.0.0.10';
const FORGED = { 'X-Real-IP': '127.0.0.5', 'X-Forwarded-For': '127.0.0.5' };
const CHECK_PATHS = ['/api-token-auth/authz/auth-request', '/api-token-auth/authz/forward-auth'];

describe.each(PROXIES)('the shipped $name config forwards', (proxyUnderTest) => {
  let site: RecordingUpstream;
  let companion: RecordingUpstream;
  let proxy: RunningProxy;

  beforeAll(async () => {
    site = await startRecordingUpstream(siteAnswer);
    companion = await startRecordingUpstream(companionAnswer);
    proxy = await proxyUnderTest.start(site.address, companion.address);
  });
  afterAll(async () => {
    await proxy?.close();
    await site?.close();
    await companion?.close();
  });
  beforeEach(() => {
    site.received.length = 0;
    companion.received.length = 0;
  });

  const checks = () => companion.received.filter((r) => CHECK_PATHS.includes(r.url));
  /** The original target the check was told about (nginx and Caddy name it differently). */
  const checkedTarget = (r: { headers: Record<string, unknown> }) =>
    r.headers['x-original-uri'] ?? r.headers['x-forwarded-uri'];

  it('X-Real-IP and X-Forwarded-For from the TCP peer, to the site, the check and the companion', async () => {
    await call(proxy, '/secure/Dashboard.jspa', { from: CLIENT, headers: FORGED });
    await call(proxy, '/rest/api/2/myself', {
      from: CLIENT,
      headers: { ...FORGED, Authorization: basic('alice', 'alice') },
    });
    await call(proxy, '/api-token-auth/api/v1/me', { from: CLIENT, headers: FORGED });
    const seen = [...site.received, ...companion.received];
    // Two site requests, one check, one companion route.
    expect(seen).toHaveLength(4);
    for (const received of seen) {
      expect(received.headers['x-real-ip'], received.url).toBe(CLIENT);
      expect(received.headers['x-forwarded-for'], received.url).toBe(CLIENT);
    }
  });

  it.each(QUERY_CREDENTIAL_TARGETS)(
    '%s to the check, with the whole target, even without Authorization',
    async (target) => {
      const reply = await call(proxy, target);
      expect(reply.status).toBe(200);
      expect(checks().map(checkedTarget)).toEqual([target]);
      expect(site.received.map((r) => r.url)).toEqual([target]);
    },
  );

  it.each(BROWSER_TARGETS)('%s (browser traffic) straight to the site, cookies and all', async (target) => {
    const reply = await call(proxy, target);
    expect(checks()).toEqual([]);
    expect(reply.headers['set-cookie']).toEqual(SITE_COOKIES);
  });

  it.each([
    ['an Authorization header', '/rest/api/2/myself', { Authorization: basic('alice', 'alice') }],
    ['query credentials', '/rest/api/2/myself?os_username=alice&os_password=alice', {}],
    ['a token', '/rest/api/2/myself', { Authorization: 'Bearer ata_x' }],
  ])('no site cookie in the answer to a request with %s', async (_, target, headers) => {
    const reply = await call(proxy, target, { headers });
    expect(reply.status).toBe(200);
    expect(checks()).toHaveLength(1);
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  describe('to the site what the companion’s allow says, and the client’s cookie only with its own credential', () => {
    const TOKEN = basic('alice', 'ata_not_checked_here');
    const BROWSER_COOKIE = 'JSESSIONID=browser-session; seraph.rememberme.cookie=remember';
    /** What the site received for one credentialed request that the companion allowed so. */
    const forwarded = async (answer: Answer, authorization = TOKEN) => {
      const reply = await call(proxy, '/rest/api/2/myself', {
        headers: {
          Authorization: authorization,
          Cookie: BROWSER_COOKIE,
          'X-Forwarded-User': 'admin',
          'X-Test-Answer': answer,
        },
      });
      expect(checks()).toHaveLength(1);
      return { reply, site: site.received };
    };

    it('site-token: the owner’s site PAT instead of the token, no cookie, no identity header', async () => {
      const { reply, site } = await forwarded('site-token');
      expect(reply.status).toBe(200);
      expect(site).toHaveLength(1);
      expect(site[0]?.headers).toMatchObject({ authorization: SITE_PAT });
      expect(site[0]?.headers).not.toHaveProperty('cookie');
      expect(site[0]?.headers).not.toHaveProperty('x-forwarded-user');
    });

    it('identity-header: the owner’s name, no Authorization, no cookie', async () => {
      const { reply, site } = await forwarded('identity-header');
      expect(reply.status).toBe(200);
      expect(site).toHaveLength(1);
      expect(site[0]?.headers).toMatchObject({ 'x-forwarded-user': 'alice' });
      expect(site[0]?.headers).not.toHaveProperty('authorization');
      expect(site[0]?.headers).not.toHaveProperty('cookie');
    });

    it.each([
      ['a password', basic('alice', 'alice')],
      ['the site’s own PAT', 'Bearer site-own-pat'],
    ])('%s: the client’s own Authorization and cookie, no identity header', async (_, authorization) => {
      const { reply, site } = await forwarded('password', authorization);
      expect(reply.status).toBe(200);
      expect(site).toHaveLength(1);
      expect(site[0]?.headers).toMatchObject({ authorization, cookie: BROWSER_COOKIE });
      expect(site[0]?.headers).not.toHaveProperty('x-forwarded-user');
    });

    it.each(['token-without-credential', 'session'] as const)(
      'an allow with nothing to forward (%s): neither the token nor an identity reaches the site',
      async (answer) => {
        await forwarded(answer);
        for (const received of site.received) {
          expect(received.headers).not.toHaveProperty('authorization');
          expect(received.headers).not.toHaveProperty('x-forwarded-user');
        }
      },
    );
  });

  it('a POST with credentials to the site with its method and body, after the check', async () => {
    const reply = await call(proxy, '/rest/api/2/issue', {
      method: 'POST',
      headers: { Authorization: basic('alice', 'alice'), 'Content-Type': 'application/json' },
      body: '{"fields":{}}',
    });
    expect(reply.status).toBe(200);
    expect(checks()[0]?.headers['x-original-method'] ?? checks()[0]?.headers['x-forwarded-method']).toBe(
      'POST',
    );
    expect(site.received).toMatchObject([{ method: 'POST', url: '/rest/api/2/issue' }]);
  });

  it.each(UNNORMALISED_COMPANION_TARGETS)('%s never to the companion', async (target) => {
    const reply = await call(proxy, target, {
      headers: { Authorization: basic('alice', 'alice'), 'X-Original-URI': '/rest/api/2/myself' },
    });
    expect([400, 404]).toContain(reply.status);
    expect(reply.headers['x-forwarded-user']).toBeUndefined();
    expect(companion.received).toEqual([]);
  });

  it('a normalised companion target with any query, unchanged', async () => {
    const target = '/api-token-auth/api/v1/admin/audit?next=%2F..%2Fx&q=a%5Cb';
    expect((await call(proxy, target)).status).toBe(200);
    expect(companion.received.map((r) => r.url)).toEqual([target]);
  });

  it('reuses its connections to the companion (HTTP/1.1 keep-alive)', async () => {
    const before = companion.connections();
    for (let i = 0; i < 20; i++) {
      await call(proxy, '/rest/api/2/myself', { headers: { Authorization: basic('alice', 'alice') } });
    }
    expect(checks()).toHaveLength(20);
    expect(companion.connections() - before).toBeLessThanOrEqual(2);
  });
});
