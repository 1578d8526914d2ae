import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectory, createSiteClient, detectProduct } from '../../../server/directory/index.ts';
import { AppError } from '../../../server/errors.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

const basic = (u: string) => `Basic ${Buffer.from(`${u}:${u}`).toString('base64')}`;

describe('site directory', () => {
  let jira: Simulator;
  let confluence: Simulator;
  beforeAll(async () => {
    [jira, confluence] = await Promise.all([
      startSimulator({ flavour: 'jira9', contextPath: '/jira' }),
      startSimulator({ flavour: 'confluence7' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([jira?.close(), confluence?.close()]);
  });

  it('detects the product from the site', async () => {
    expect(await detectProduct(createSiteClient({ siteUrl: jira.baseUrl }))).toBe('jira');
    expect(await detectProduct(createSiteClient({ siteUrl: confluence.baseUrl }))).toBe('confluence');
    const other = createServer((_req, res) => res.writeHead(404).end('nothing here'));
    try {
      const err = await detectProduct(createSiteClient({ siteUrl: await listen(other) })).catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err.message).toMatch(/ATA_PRODUCT/);
    } finally {
      other.close();
    }
  });

  it('caches who a caller is for at most 30 s, keyed by the credential', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const directory = createDirectory({
      site: createSiteClient({ siteUrl: jira.baseUrl }),
      product: 'jira',
      serviceAuth: undefined,
      adminGroups: ['jira-administrators'],
      clock: () => new Date(now),
      ttlMs: 60_000,
    });
    const asked = () => jira.state.requests.filter((r) => r.path.endsWith('/rest/api/2/myself')).length;
    const before = asked();
    expect(await directory.whoAmI({ authorization: basic('alice') })).toMatchObject({
      username: 'alice',
      isAdmin: false,
    });
    expect(await directory.whoAmI({ authorization: basic('alice') })).toMatchObject({ username: 'alice' });
    expect(asked()).toBe(before + 1);
    expect(await directory.whoAmI({ authorization: basic('admin') })).toMatchObject({
      username: 'admin',
      isAdmin: true,
    });
    expect(asked()).toBe(before + 2);
    now += 30_001; // the requested 60 s is capped at 30 s
    await directory.whoAmI({ authorization: basic('alice') });
    expect(asked()).toBe(before + 3);
  });

  it('never caches a failed identification', async () => {
    const directory = createDirectory({
      site: createSiteClient({ siteUrl: jira.baseUrl }),
      product: 'jira',
      serviceAuth: undefined,
      adminGroups: [],
    });
    expect(await directory.whoAmI({ cookie: 'JSESSIONID=nope' })).toBeNull();
    expect(await directory.whoAmI({ cookie: 'JSESSIONID=nope' })).toBeNull();
  });

  it('reports a refused service credential as 503 naming ATA_SERVICE_AUTH', async () => {
    const directory = createDirectory({
      site: createSiteClient({ siteUrl: confluence.baseUrl }),
      product: 'confluence',
      serviceAuth: 'Bearer not-a-real-pat',
      adminGroups: ['confluence-administrators'],
    });
    const err = await directory.lookupUser('alice').catch((e) => e);
    expect(err).toMatchObject({ status: 503, message: expect.stringContaining('ATA_SERVICE_AUTH') });
  });

  it('gives up on a site that does not answer, as 503', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer(() => {});
    silent.on('connection', (s) => sockets.add(s));
    try {
      const site = createSiteClient({ siteUrl: await listen(silent), timeoutMs: 200 });
      const err = await site.get('/rest/api/2/serverInfo').catch((e) => e);
      expect(err).toMatchObject({
        status: 503,
        code: 'site_unavailable',
        message: expect.stringContaining('200 ms'),
      });
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('only ever calls paths under /rest/ of the configured site', async () => {
    const site = createSiteClient({ siteUrl: jira.baseUrl });
    await expect(site.get('//evil.example/rest/x')).rejects.toThrow(/must start with \/rest\//);
    await expect(site.get('http://evil.example/rest/')).rejects.toThrow(/must start with \/rest\//);
  });
});
