import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import type { Settings } from '../../../server/services/types.ts';
import { generateToken } from '../../../shared/token.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { startCaddy } from '../../support/caddy.ts';
import { startNginx } from '../../support/nginx.ts';

/** A proxy running a shipped config: only the port matters to the client. */
interface RunningProxy {
  port: number;
  close(): Promise<void>;
}

interface ProxyUnderTest {
  name: string;
  /** The address the proxy connects to the site and the companion from: the one both trust. */
  address: string;
  start(site: string, companion: string): Promise<RunningProxy>;
  /** What a request with two Authorization headers gets (it never reaches the site). */
  duplicateAuthorization: { status: number; reason?: string };
  /** What a request with a credential gets while the companion is down (fail closed). */
  companionDownStatus: number;
}

// The real proxies run the shipped files in deploy/ (only their addresses filled in) in front of
// the simulated Jira and a companion. The site accepts X-Forwarded-User only from the proxy's
// address, and the companion trusts X-Forwarded-For only from it. Clients connect from other
// loopback addresses, so the client address the proxy sees can be chosen per request.
const PROXIES: ProxyUnderTest[] = [
  {
    // Debian's nginx, deploy/nginx/api-token-auth.conf; it connects from 127.0.0.3 (the config's
    // proxy_bind line, filled in).
    name: 'nginx',
    address: '127.0.0.3',
    start: (site, companion) => startNginx({ site, companion, bind: '127.0.0.3' }),
    // nginx itself refuses a duplicate Authorization line.
    duplicateAuthorization: { status: 400 },
    // auth_request turns an unreachable companion into 500.
    companionDownStatus: 500,
  },
  {
    // Debian's Caddy 2.6, deploy/caddy/Caddyfile; it connects from 127.0.0.1.
    name: 'Caddy',
    address: '127.0.0.1',
    start: (site, companion) => startCaddy({ site, companion }),
    // Caddy passes both on to the companion, which refuses them.
    duplicateAuthorization: { status: 401, reason: 'multiple-authorization-headers' },
    companionDownStatus: 502,
  },
];

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  proxy: RunningProxy,
  pathname: string,
  options: { method?: string; from?: string; headers?: Record<string, string | string[]> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: proxy.port,
        path: pathname,
        method: options.method ?? 'GET',
        localAddress: options.from ?? '127.0.0.10',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
const siteUser = (reply: Reply) => reply.headers['x-ausername'];

describe.each(PROXIES)('the shipped $name config in front of Jira', (proxyUnderTest) => {
  const PROXY_ADDRESS = proxyUnderTest.address;
  let sim: Simulator;
  let companion: RunningServer;
  let proxy: RunningProxy;
  let dataDir: string;
  let aliceToken: string;
  let readOnlyToken: string;

  const baseSettings: Settings = {
    maxValidity: 'never',
    ipAllowlist: [],
    reverseProxy: { enabled: true, trustedProxies: [PROXY_ADDRESS], clientIpHeader: 'X-Forwarded-For' },
    passwordBasicAuth: true,
    auditAuthentications: false,
    forceReadOnlyScope: false,
  };
  const settings = (patch: Partial<Settings>) =>
    companion.deps.settings.update({ ...baseSettings, ...patch }, { actor: 'admin', remoteIp: null });

  beforeAll(async () => {
    sim = await startSimulator({ flavour: 'jira9', trustedProxies: [PROXY_ADDRESS] });
    dataDir = await mkdtemp(path.join(tmpdir(), 'ata-proxy-e2e-'));
    const config = loadConfig({
      ATA_SITE_URL: sim.baseUrl,
      ATA_PRODUCT: 'jira',
      ATA_DATABASE_URL: `sqlite://${path.join(dataDir, 'companion.sqlite')}`,
      ATA_SECRET: randomBytes(32).toString('base64url'),
      ATA_SERVICE_AUTH: `Bearer ${sim.state.createPersonalAccessToken('admin')}`,
      ATA_BASE_PATH: '/api-token-auth',
      ATA_LISTEN: '127.0.0.1:0',
    });
    companion = await startServer(config, { logger: createLogger({ level: 'silent' }) });
    const create = async (scope?: 'read-only') =>
      (
        await companion.deps.tokens.create(
          { owner: 'alice', name: scope ?? 'read-write', validity: 'never', ...(scope ? { scope } : {}) },
          { actor: 'alice', remoteIp: null },
        )
      ).secret;
    aliceToken = await create();
    readOnlyToken = await create('read-only');
    proxy = await proxyUnderTest.start(`127.0.0.1:${sim.port}`, `127.0.0.1:${companion.port}`);
  });
  afterAll(async () => {
    await proxy?.close();
    await companion?.close();
    await sim?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
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

  it('a token works as Bearer and on pages outside /rest/ too', async () => {
    const bearer = await call(proxy, '/rest/api/2/myself', {
      headers: { Authorization: `Bearer ${aliceToken}` },
    });
    expect(siteUser(bearer)).toBe('alice');
    expect(sim.state.requests.at(-1)).toMatchObject({ authMethod: 'header', authorization: null });
    const page = await call(proxy, '/secure/Dashboard.jspa', {
      headers: { Authorization: basic('alice', aliceToken) },
    });
    expect(page.body).toContain('name="ajs-remote-user" content="alice"');
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
    expect((await call(proxy, '/rest/api/2/myself', { from: '127.0.0.5', headers: auth })).status).toBe(200);
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
});
