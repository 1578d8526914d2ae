import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../../scripts/demo/demo.ts';

// What `npm start` brings up, on free ports: a person's path through the demo, over HTTP. The
// simulated sites are stock (no identity header means anything to them): a token works because
// the front proxy hands the site its owner's own PAT.
describe('the demo', () => {
  let demo: RunningDemo;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ata-demo-'));
    demo = await startDemo({
      dataDir,
      logLevel: 'silent',
      sites: [
        { name: 'Jira', flavour: 'jira9', port: 0, contextPath: '/jira' },
        { name: 'Confluence', flavour: 'confluence8', port: 0, contextPath: '/confluence' },
      ],
    });
  });

  afterAll(async () => {
    await demo?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const basic = (user: string, secret: string) =>
    `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

  async function sessionCookie(
    siteUrl: string,
    product: 'jira' | 'confluence',
    user: string,
  ): Promise<string> {
    const form = new URLSearchParams(
      product === 'jira'
        ? { os_username: user, os_password: user, os_destination: '/' }
        : { os_username: user, os_password: user, login: 'Log in' },
    );
    const response = await fetch(`${siteUrl}${product === 'jira' ? '/login.jsp' : '/dologin.action'}`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('JSESSIONID='));
    if (!cookie) throw new Error(`no session cookie for ${user} (status ${response.status})`);
    return cookie.split(';')[0] as string;
  }

  it.each(['Jira', 'Confluence'])('serves %s pages and its companion on one origin', async (name) => {
    const site = demo.sites.find((s) => s.name === name);
    if (!site) throw new Error(`no ${name} site`);
    const page = await fetch(site.url, { redirect: 'follow' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`${new URL(site.url).origin}${new URL(site.url).pathname}`);
    const health = await fetch(`${site.companionUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(new URL(site.companionUrl).origin).toBe(new URL(site.url).origin);
  });

  it.each(['Jira', 'Confluence'])(
    'on %s, a token created with a site session works with Basic as its owner’s PAT, a wrong one never counts as a failed login',
    async (name) => {
      const site = demo.sites.find((s) => s.name === name);
      if (!site) throw new Error(`no ${name} site`);
      const cookie = await sessionCookie(site.url, site.product, 'alice');
      const created = await fetch(`${site.companionUrl}/api/v1/tokens`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', origin: new URL(site.url).origin },
        body: JSON.stringify({ name: 'demo script', validity: 'P1M' }),
      });
      expect(created.status).toBe(201);
      const { secret } = (await created.json()) as { secret: string };

      const whoAmI = site.product === 'jira' ? '/rest/api/2/myself' : '/rest/api/user/current';
      // The browser's cookie goes with the token, as from a script sharing the browser's jar.
      const ok = await fetch(`${site.url}${whoAmI}`, {
        headers: { authorization: basic('alice', secret), cookie },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ausername')).toBe('alice');
      const last = site.simulator.state.requests.at(-1);
      expect(last).toMatchObject({
        path: whoAmI,
        user: 'alice',
        authMethod: 'bearer',
        authorization: 'bearer',
      });
      // One PAT on alice's profile, named so she recognises it.
      const managed = site.simulator.state
        .personalAccessTokens('alice')
        .filter((p) => p.name === 'api-token-auth');
      expect(managed).toHaveLength(1);
      // The token request did not end her browser session (the proxy kept the cookie from the PAT).
      const browser = await fetch(`${site.url}${whoAmI}`, { headers: { cookie } });
      expect(browser.headers.get('x-ausername')).toBe('alice');
      expect(site.simulator.state.requests.at(-1)).toMatchObject({ authMethod: 'session' });

      const before = site.simulator.state.failedLoginCount('alice');
      const wrong = `${secret.slice(0, -7)}${secret.slice(-7).split('').reverse().join('')}`;
      for (const attempt of [wrong, secret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))]) {
        const denied = await fetch(`${site.url}${whoAmI}`, {
          headers: { authorization: basic('alice', attempt) },
        });
        expect(denied.status).toBe(401);
      }
      expect(site.simulator.state.failedLoginCount('alice')).toBe(before);
    },
  );

  it.each(['Jira', 'Confluence'])('trusts no identity header anywhere on %s', async (name) => {
    const site = demo.sites.find((s) => s.name === name);
    if (!site) throw new Error(`no ${name} site`);
    const whoAmI = site.product === 'jira' ? '/rest/api/2/myself' : '/rest/api/user/current';
    for (const base of [site.url, site.simulator.baseUrl]) {
      const response = await fetch(`${base}${whoAmI}`, { headers: { 'x-forwarded-user': 'admin' } });
      // Confluence answers an anonymous user/current with 200 (its anonymous user), Jira with 401.
      expect(response.headers.get('x-ausername'), base).toBe('anonymous');
    }
  });

  it('keeps the validation endpoints away from clients, as the shipped nginx configuration does', async () => {
    const site = demo.sites.find((s) => s.product === 'jira');
    if (!site) throw new Error('no Jira site');
    const response = await fetch(`${site.companionUrl}/authz/auth-request`, {
      headers: { 'x-original-uri': '/jira/rest/api/2/myself', authorization: basic('alice', 'alice') },
    });
    expect(response.status).toBe(404);
  });
});
