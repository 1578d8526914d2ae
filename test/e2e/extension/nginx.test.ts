// The extension behind the shipped nginx configuration (deploy/nginx) instead of the demo's Node
// front, on a stock Jira (no identity header means anything to it): the companion on the site's
// origin under /api-token-auth/, tokens checked with auth_request and replaced by their owner's own
// site PAT (site-token mode, the default) before they reach the site.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSite } from '../../../scripts/demo/demo.ts';
import { type RunningServer, startServer } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { freePort, type RunningNginx, startNginx } from '../../support/nginx.ts';
import {
  launchWithExtension,
  login,
  openSitePage,
  openUserMenu,
  restWithToken,
  screenshot,
} from './harness.ts';

let dir: string;
let sim: Simulator;
let nginx: RunningNginx;
let companion: RunningServer;
let context: BrowserContext;
let page: Page;
let site: DemoSite;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ata-ext-nginx-'));
  sim = await startSimulator({ flavour: 'jira9' });
  // nginx must know the companion's address and the companion nginx's public origin (for its
  // Origin check), so the companion's port is taken from the OS first, as startNginx does.
  const companionPort = await freePort();
  nginx = await startNginx({
    site: `127.0.0.1:${sim.port}`,
    companion: `127.0.0.1:${companionPort}`,
  });
  companion = await startServer(
    loadConfig({
      ATA_SITE_URL: nginx.origin,
      ATA_PRODUCT: 'jira',
      ATA_DATABASE_URL: `sqlite://${join(dir, 'companion.sqlite')}`,
      ATA_SECRET: randomBytes(32).toString('base64url'),
      ATA_SERVICE_AUTH: `Bearer ${sim.state.createPersonalAccessToken('admin')}`,
      ATA_BASE_PATH: '/api-token-auth',
      ATA_LISTEN: `127.0.0.1:${companionPort}`,
    }),
    { logger: createLogger({ level: 'silent' }) },
  );
  site = {
    name: 'nginx',
    product: 'jira',
    url: nginx.origin,
    companionUrl: `${nginx.origin}/api-token-auth`,
    simulator: sim,
  };
  context = await launchWithExtension(dir, [site.url]);
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
}, 180_000);

afterAll(async () => {
  await context?.close();
  await companion?.close();
  await nginx?.close();
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the extension behind the shipped nginx config', () => {
  it('creates a token that reaches the stock site as alice by her PAT, keeps her session, and deletes it', async () => {
    await login(context, site, 'alice');
    await openSitePage(page, site);
    await openUserMenu(page, site);
    await page.locator('#api-token-auth-user-link').click();
    const panel = page.getByRole('dialog', { name: 'API Token Authentication' });
    await panel.getByLabel('Token name').fill('behind-nginx');
    await panel.getByRole('button', { name: 'Create', exact: true }).click();
    const secret = (await panel.getByTestId('token-secret').textContent())?.trim() ?? '';
    await screenshot(page, 'nginx-jira9-user-panel-secret');

    expect(await restWithToken(site, 'alice', secret)).toEqual({ status: 200, user: 'alice' });
    const reached = sim.state.requests.filter((r) => r.path === '/rest/api/2/myself').at(-1);
    expect(reached).toMatchObject({
      user: 'alice',
      authMethod: 'bearer',
      authorization: 'bearer',
      status: 200,
    });
    expect(sim.state.personalAccessTokens('alice').map((p) => p.name)).toEqual(['api-token-auth']);

    // A script sharing the browser's cookie jar: the PAT request must not end her session.
    const basic = `Basic ${Buffer.from(`alice:${secret}`).toString('base64')}`;
    const shared = await context.request.get(`${site.url}/rest/api/2/issue/DEMO-1`, {
      headers: { Authorization: basic },
    });
    expect((await shared.json())._sim).toEqual({ user: 'alice', authMethod: 'bearer' });

    await panel.getByRole('button', { name: 'Delete token behind-nginx' }).click();
    await panel.getByRole('button', { name: 'Delete', exact: true }).click();
    await panel.getByText('No tokens.').waitFor();
    expect((await restWithToken(site, 'alice', secret)).status).toBe(401);
    // Her last token gone, so is the PAT it used on her profile.
    await expect.poll(() => sim.state.personalAccessTokens('alice').length, { timeout: 5000 }).toBe(0);
    // She is still logged in on the site after the token requests made with her cookies.
    await openSitePage(page, site);
    await expect
      .poll(() => page.locator('meta[name="ajs-remote-user"]').getAttribute('content'))
      .toBe('alice');
  });
});
