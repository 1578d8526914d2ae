import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSite, startDemo } from '../../../scripts/demo/demo.ts';
import { startFrontProxy } from '../../../scripts/demo/front-proxy.ts';
import { type DemoStage, jiraSession, startJiraDemo } from './harness.ts';

/** What a client sees on the wire: the status line, the headers (names lower-cased) and whether the proxy closed. */
interface RawAnswer {
  status: number;
  headers: Map<string, string[]>;
  body: string;
}

/**
 * Sends one request as written (duplicate headers included, which fetch cannot send) and resolves
 * when the proxy closes the connection, so a proxy that keeps a `Connection: close` client waiting
 * fails the test by its timeout.
 */
function rawRequest(port: number, lines: string[]): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = new Map<string, string[]>();
      for (const line of headerLines) {
        const name = line.slice(0, line.indexOf(':')).toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), line.slice(line.indexOf(':') + 1).trim()]);
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

// The demo's front proxy stands in for nginx: it must speak HTTP/1.1 to clients on its own terms and
// must not hide from the companion what the client really sent.
describe('the demo front proxy', () => {
  let stage: DemoStage;
  let site: DemoSite;
  let port: number;

  beforeAll(async () => {
    stage = await startJiraDemo();
    ({ site, port } = stage);
  });

  afterAll(() => stage?.close());

  it.each([
    ['a site page', '/jira/secure/Dashboard.jspa', []],
    ['a companion route', '/jira/api-token-auth/healthz', []],
    ['a checked REST call', '/jira/rest/api/2/myself', [`Authorization: ${basic('alice', 'alice')}`]],
  ])('answers %s to a client that asks to close and then closes', async (_, target, extra) => {
    const answer = await rawRequest(port, [
      `GET ${target} HTTP/1.1`,
      `Host: localhost:${port}`,
      'Connection: close',
      ...extra,
    ]);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('connection')).toEqual(['close']);
    expect(answer.headers.has('keep-alive')).toBe(false);
  });

  it('answers an HTTP/1.0 client without chunked encoding', async () => {
    const answer = await rawRequest(port, ['GET /jira/api-token-auth/api/v1/openapi.json HTTP/1.0']);
    expect(answer.status).toBe(200);
    expect(answer.headers.has('transfer-encoding')).toBe(false);
    expect(JSON.parse(answer.body)).toHaveProperty('openapi');
  });

  it('passes two Authorization headers on to the companion, which refuses them before the site sees the call', async () => {
    const session = await jiraSession(site, 'alice');
    const created = await fetch(`${site.companionUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: { cookie: session, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'two headers', validity: 'P1M' }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    // The simulator keeps a capped log of recent requests: remember the last one seen so far.
    const requests = site.simulator.state.requests;
    const mark = requests.at(-1);

    for (const target of ['/jira/rest/api/2/myself', '/jira/api-token-auth/api/v1/me']) {
      for (const order of [
        [basic('alice', secret), basic('admin', 'admin')],
        [basic('admin', 'admin'), basic('alice', secret)],
      ]) {
        const answer = await rawRequest(port, [
          `GET ${target} HTTP/1.1`,
          `Host: localhost:${port}`,
          'Connection: close',
          ...order.map((value) => `Authorization: ${value}`),
        ]);
        expect(answer.status, `${target} ${order[0]?.slice(0, 12)}`).toBe(401);
        if (target.includes('/rest/'))
          expect(answer.headers.get('x-api-token-auth-reason')).toEqual(['multiple-authorization-headers']);
      }
    }
    const reachedSite = requests
      .slice(mark ? requests.indexOf(mark) + 1 : 0)
      .filter((r) => r.path.includes('/api/2/myself'));
    expect(reachedSite).toEqual([]);
  });

  it.each([
    '/authz/auth-request',
    '/AUTHZ/auth-request',
    '/Authz/forward-auth',
    '/%61uthz/auth-request',
    '//authz/auth-request',
    '/x/../authz/auth-request',
    '/metrics',
    '/METRICS',
    '/metrics/',
  ])('keeps %s under the mount away from clients, whatever its spelling', async (sub) => {
    const answer = await rawRequest(port, [
      `GET /jira/api-token-auth${sub} HTTP/1.1`,
      `Host: localhost:${port}`,
      'Connection: close',
      `Authorization: ${basic('alice', 'alice')}`,
      'X-Original-URI: /jira/rest/api/2/myself',
    ]);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('decision');
    expect(answer.body).not.toContain('api_token_auth_');
  });

  it.each(['/authz/ext-authz/../../x', '/authz/ext-authz/%2e%2e/%2e%2e/x', '/api%2fv1/me', '/api/v1/me/..'])(
    'refuses the non-normalised target %s under the mount with 400',
    async (sub) => {
      const answer = await rawRequest(port, [
        `GET /jira/api-token-auth${sub} HTTP/1.1`,
        `Host: localhost:${port}`,
        'Connection: close',
        `Authorization: ${basic('alice', 'alice')}`,
      ]);
      expect(answer.status).toBe(400);
      expect(answer.headers.has('x-forwarded-user')).toBe(false);
    },
  );

  it('gives no site cookie to a request with credentials, and keeps them for browsers', async () => {
    const page = `${site.url}/secure/Dashboard.jspa`;
    const browser = await fetch(page);
    expect(browser.headers.getSetCookie().join()).toContain('atlassian.xsrf.token=');
    const withPassword = await fetch(page, {
      headers: { authorization: basic('alice', 'alice') },
    });
    expect(await withPassword.text()).toContain('name="ajs-remote-user" content="alice"');
    expect(withPassword.headers.getSetCookie()).toEqual([]);
    const login = await fetch(`${site.url}/rest/auth/1/session`, {
      method: 'POST',
      headers: { authorization: basic('alice', 'alice'), 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice' }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.getSetCookie()).toEqual([]);
  });

  it('checks credentials in the query, on any page', async () => {
    const admin = await jiraSession(site, 'admin');
    const settingsUrl = `${site.companionUrl}/api/v1/admin/settings`;
    const headers = { cookie: admin, 'content-type': 'application/json' };
    const before = await (await fetch(settingsUrl, { headers })).json();
    const put = (body: unknown) => fetch(settingsUrl, { method: 'PUT', headers, body: JSON.stringify(body) });
    expect((await put({ ...before, passwordBasicAuth: false })).status).toBe(200);
    try {
      const refused = await fetch(`${site.url}/secure/Dashboard.jspa?os_username=alice&os_password=alice`);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('x-api-token-auth-reason')).toBe('password-auth-disabled');
    } finally {
      expect((await put(before)).status).toBe(200);
    }
  });

  it('refuses to start on a port in use with an error naming it, instead of an unhandled error event', async () => {
    const start = startFrontProxy({ port, siteUrl: site.simulator.baseUrl });
    await expect(start).rejects.toThrow(`port ${port} is already in use`);
  });

  it('makes the demo fail to start the same way, leaving the running one alone', async () => {
    const second = startDemo({
      dataDir: path.join(stage.dataDir, 'second'),
      logLevel: 'silent',
      sites: [{ name: 'Jira', flavour: 'jira9', port, contextPath: '/jira' }],
    });
    await expect(second).rejects.toThrow(`port ${port} is already in use`);
    expect((await fetch(`${site.companionUrl}/healthz`)).status).toBe(200);
  });
});
