import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStage, jiraSession, startJiraDemo } from './harness.ts';

// The companion reaches the site through the same proxy as everyone (ATA_SITE_URL is the public
// URL), so a global IP allowlist that leaves out the companion's own address refuses its service
// credential too. The operator must be told that, not to "check ATA_SERVICE_AUTH".
describe('an IP allowlist that leaves out the companion', () => {
  let stage: DemoStage;
  let admin: string;

  beforeAll(async () => {
    stage = await startJiraDemo();
    admin = await jiraSession(stage.site, 'admin');
  });

  afterAll(() => stage?.close());

  const companion = (p: string, init: RequestInit = {}) =>
    fetch(`${stage.site.companionUrl}/api/v1${p}`, {
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
