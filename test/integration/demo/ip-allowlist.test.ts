import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSite, type RunningDemo, startDemo } from '../../../scripts/demo/demo.ts';

// The companion reaches the site through the same proxy as everyone (ATA_SITE_URL is the public
// URL), so a global IP allowlist that leaves out the companion's own address refuses its service
// credential too. The operator must be told that, not to "check ATA_SERVICE_AUTH".
describe('an IP allowlist that leaves out the companion', () => {
  let demo: RunningDemo;
  let dataDir: string;
  let site: DemoSite;
  let admin: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ata-allowlist-'));
    demo = await startDemo({
      dataDir,
      logLevel: 'silent',
      sites: [{ name: 'Jira', flavour: 'jira9', port: 0, contextPath: '/jira' }],
    });
    site = demo.sites[0] as DemoSite;
    const login = await fetch(`${site.url}/login.jsp`, {
      method: 'POST',
      body: new URLSearchParams({ os_username: 'admin', os_password: 'admin' }),
      redirect: 'manual',
    });
    admin =
      login.headers
        .getSetCookie()
        .find((c) => c.startsWith('JSESSIONID='))
        ?.split(';')[0] ?? '';
  });

  afterAll(async () => {
    await demo?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const companion = (p: string, init: RequestInit = {}) =>
    fetch(`${site.companionUrl}/api/v1${p}`, {
      ...init,
      headers: { cookie: admin, 'content-type': 'application/json', ...init.headers },
    });

  it('names the allowlist when the proxy refuses the service credential', async () => {
    const settings = await companion('/admin/settings');
    expect(settings.status).toBe(200);
    const saved = await companion('/admin/settings', {
      method: 'PUT',
      body: JSON.stringify({
        ...(await settings.json()),
        ipAllowlist: ['192.0.2.10'],
        reverseProxy: { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' },
      }),
    });
    expect(saved.status).toBe(200);

    const search = await companion('/admin/users/search?q=al');
    expect(search.status).toBe(503);
    const { error } = (await search.json()) as { error: { message: string } };
    expect(error.message).toContain('ip-not-allowed');
    expect(error.message).toContain('IP allowlist');
    expect(error.message).not.toContain('check ATA_SERVICE_AUTH');
  });
});
