import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateToken } from '../../../shared/token.ts';
import { basic, call, PROXIES } from './harness.ts';
import {
  createTokenWithSession,
  managedPats,
  type StockSiteStage,
  siteSession,
  startStockSiteStage,
} from './stock-site.ts';
import { UNNORMALISED_COMPANION_TARGETS } from './targets.ts';

// The default mode as an administrator meets it: Debian's nginx and Caddy run their shipped files
// in front of a stock simulated Jira, which trusts no identity header, and a companion in
// site-token mode. The client is a real curl (`curl -u alice:<token>`).

const run = promisify(execFile);

/** A real curl; `-w` appends the status on a line of its own. */
async function curl(...args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('/usr/bin/curl', ['-sS', '-w', '\n%{http_code}', ...args]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

describe.each(PROXIES)(
  'the shipped $name config in front of a stock Jira (site-token mode)',
  (proxyUnderTest) => {
    let stage: StockSiteStage;
    let origin: string;
    let jar: string;
    let secret: string;

    /** What the site recorded for the last request to a path through the proxy. */
    const lastAt = (pathname: string) => stage.sim.state.requests.filter((r) => r.path === pathname).at(-1);

    beforeAll(async () => {
      stage = await startStockSiteStage(proxyUnderTest);
      origin = `http://127.0.0.1:${stage.proxy.port}`;
      jar = path.join(stage.dir, 'cookies.txt');
      // alice logs in with her browser (the cookie jar) and creates a token with that session.
      const login = await curl('-c', jar, '-d', 'os_username=alice&os_password=alice', `${origin}/login.jsp`);
      expect(login.status).toBe(302);
      const cookie = await siteSession(stage.proxy, 'alice');
      secret = await createTokenWithSession(stage.proxy, cookie, 'curl');
    });
    afterAll(() => stage?.close());
    beforeEach(() => stage.sim.state.resetFailedLogins());

    it('the site gives no identity header any meaning (else this proves nothing)', async () => {
      const forged = await curl('-H', 'X-Forwarded-User: alice', `${stage.sim.baseUrl}/rest/api/2/myself`);
      expect(forged.status).toBe(401);
    });

    it('curl -u alice:<token> is served as alice by her own PAT, never by the token', async () => {
      const reply = await curl('-u', `alice:${secret}`, `${origin}/rest/api/2/issue/DEMO-1`);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)._sim).toEqual({ user: 'alice', authMethod: 'bearer' });
      // What the site received was a Bearer PAT of alice's: the API token as Basic would have been
      // a password (a failed login), as Bearer an unknown PAT (anonymous).
      expect(lastAt('/rest/api/2/issue/DEMO-1')).toMatchObject({ user: 'alice', authorization: 'bearer' });
      expect(stage.sim.state.failedLoginCount('alice')).toBe(0);
      expect(managedPats(stage.sim, 'alice')).toHaveLength(1);
    });

    it('works as Bearer too, and opens no web page', async () => {
      const bearer = await curl('-H', `Authorization: Bearer ${secret}`, `${origin}/rest/api/2/myself`);
      expect(JSON.parse(bearer.body)).toMatchObject({ name: 'alice' });
      expect(lastAt('/rest/api/2/myself')).toMatchObject({ user: 'alice', authMethod: 'bearer' });
      const page = await curl('-u', `alice:${secret}`, `${origin}/secure/Dashboard.jspa`);
      expect(page.status).toBe(403);
      expect(page.body).not.toContain('ajs-remote-user');
    });

    it('a PAT request ends the session its cookie names (else the next test proves nothing)', async () => {
      const cookie = await siteSession(stage.proxy, 'alice');
      const pat = stage.sim.state.createPersonalAccessToken('alice');
      const direct = (headers: string[]) =>
        curl(...headers.flatMap((h) => ['-H', h]), `${stage.sim.baseUrl}/rest/api/2/myself`);
      expect(JSON.parse((await direct([`Cookie: ${cookie}`])).body)).toMatchObject({ name: 'alice' });
      await direct([`Cookie: ${cookie}`, `Authorization: Bearer ${pat}`]);
      expect((await direct([`Cookie: ${cookie}`])).status).toBe(401);
    });

    it('the browser session survives a token request made with the same cookie jar', async () => {
      const token = await curl('-b', jar, '-c', jar, '-u', `alice:${secret}`, `${origin}/rest/api/2/myself`);
      expect(token.status).toBe(200);
      expect(lastAt('/rest/api/2/myself')).toMatchObject({ user: 'alice', authMethod: 'bearer' });
      const browser = await curl('-b', jar, `${origin}/rest/api/2/myself`);
      expect(browser.status).toBe(200);
      expect(lastAt('/rest/api/2/myself')).toMatchObject({ user: 'alice', authMethod: 'session' });
    });

    it('a wrong token gets 401, reaches no site and counts no failed login', async () => {
      const seen = stage.sim.state.requests.length;
      for (let i = 0; i < 5; i++) {
        const wrong = await curl('-u', `alice:${generateToken()}`, `${origin}/rest/api/2/myself`);
        expect(wrong.status).toBe(401);
      }
      expect(stage.sim.state.requests.slice(seen).filter((r) => r.authorization === 'basic')).toEqual([]);
      expect(stage.sim.state.failedLoginCount('alice')).toBe(0);
      const after = await curl('-u', `alice:${secret}`, `${origin}/rest/api/2/myself`);
      expect(JSON.parse(after.body)).toMatchObject({ name: 'alice' });
    });

    it.each([
      '/api-token-auth/authz/auth-request',
      '/api-token-auth/authz/forward-auth',
      '/api-token-auth/authz/ext-authz/rest/api/2/myself',
      ...UNNORMALISED_COMPANION_TARGETS,
    ])('%s never hands a client the site PAT', async (target) => {
      const reply = await call(stage.proxy, target, {
        headers: {
          Authorization: basic('alice', secret),
          'X-Original-URI': '/rest/api/2/myself',
          'X-Forwarded-Uri': '/rest/api/2/myself',
          'X-Original-Method': 'GET',
          'X-Forwarded-Method': 'GET',
        },
      });
      expect([400, 404]).toContain(reply.status);
      expect(reply.headers.authorization).toBeUndefined();
      expect(reply.headers['x-api-token-auth-mode']).toBeUndefined();
    });

    it('a password and the site’s own PAT reach the site as the client sent them', async () => {
      const password = await curl('-u', 'alice:alice', `${origin}/rest/api/2/myself`);
      expect(password.status).toBe(200);
      expect(lastAt('/rest/api/2/myself')).toMatchObject({ user: 'alice', authMethod: 'basic' });
      const pat = stage.sim.state.createPersonalAccessToken('bob');
      const own = await curl('-H', `Authorization: Bearer ${pat}`, `${origin}/rest/api/2/myself`);
      expect(JSON.parse(own.body)).toMatchObject({ name: 'bob' });
      expect(lastAt('/rest/api/2/myself')).toMatchObject({ user: 'bob', authMethod: 'bearer' });
    });
  },
);
