// Expiry reminders in Chromium: a token that expires in 3 days puts an AUI banner on the site's
// pages, linking to the panel; dismissed, it stays away for that token until it has expired;
// the administrator's Token Manager filters on the same window. Expiry dates are moved in the
// companion's SQLite database, as time passing would.
import { join } from 'node:path';
import knex, { type Knex } from 'knex';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSite, RunningDemo } from '../../../scripts/demo/demo.ts';
import { launchChromiumWithExtension } from '../../support/browser.ts';
import { expectAccessible } from './axe.ts';
import { login, openAdminPage, openSitePage, screenshot, startDemoWithBuild } from './harness.ts';

const DAY = 24 * 3600_000;
const SITES = [
  { name: 'jira9', flavour: 'jira9', port: 0, contextPath: '/jira' },
  { name: 'confluence8', flavour: 'confluence8', port: 0, contextPath: '/confluence' },
] as const;

let demo: RunningDemo;
let close = async () => {};
let context: BrowserContext;
let page: Page;
const databases: Record<string, Knex> = {};

beforeAll(async () => {
  let extensionDir: string;
  let dataDir: string;
  ({ demo, extensionDir, dataDir, close } = await startDemoWithBuild('ata-reminders-', [...SITES], 'chrome'));
  for (const { name } of SITES) {
    databases[name] = knex({
      client: 'sqlite3',
      connection: { filename: join(dataDir, `${name}.sqlite`) },
      useNullAsDefault: true,
    });
  }
  context = await launchChromiumWithExtension(extensionDir);
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
}, 180_000);

afterAll(async () => {
  await context?.close();
  for (const db of Object.values(databases)) await db.destroy();
  await close();
});

/** Creates a token as a script would, with the person's password. */
async function createToken(site: DemoSite, user: string, name: string): Promise<string> {
  const response = await fetch(`${site.companionUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${user}:${user}`).toString('base64')}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ name, validity: 'P1M' }),
  });
  if (response.status !== 201)
    throw new Error(`create ${name}: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: { id: string } }).token.id;
}

async function expireIn(site: DemoSite, id: string, ms: number): Promise<void> {
  const changed = await databases[site.name]?.('tokens')
    .where({ id })
    .update({ expires_at: Date.now() + ms });
  expect(changed).toBe(1);
}

const banner = () => page.locator('#api-token-auth-reminders .aui-banner');

describe.each(SITES.map((s) => s.name))('expiry reminders on %s', (name) => {
  it('show a banner for a token expiring in 3 days, link to the panel, and stay dismissed until it expired', async () => {
    const site = demo.sites.find((s) => s.name === name) as DemoSite;
    const soon = await createToken(site, 'alice', 'nightly-sync');
    await createToken(site, 'alice', 'far-off');
    await expireIn(site, soon, 3 * DAY - 60_000);
    await login(context, site, 'alice');
    await openSitePage(page, site);
    await banner().waitFor();
    expect(await banner().count()).toBe(1);
    expect(await banner().locator('span').textContent()).toBe(
      'Your API token “nightly-sync” expires in 3 days. ',
    );
    await screenshot(page, `${name}-expiry-banner`);
    await expectAccessible(page, '#api-token-auth-reminders', 'the expiry banner');
    await banner().getByRole('link', { name: 'Manage your API tokens' }).click();
    const panel = page.getByRole('dialog', { name: 'API Token Authentication' });
    await panel.getByRole('row').filter({ hasText: 'nightly-sync' }).getByText('Expires soon').waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });

    await banner().getByRole('button', { name: 'Dismiss the reminder for “nightly-sync”' }).click();
    expect(await banner().count()).toBe(0);
    await openSitePage(page, site);
    expect(await banner().count()).toBe(0);

    await expireIn(site, soon, -2 * DAY);
    await openSitePage(page, site);
    await banner().waitFor();
    expect(await banner().locator('span').textContent()).toBe(
      'Your API token “nightly-sync” expired 2 days ago. ',
    );
  });

  it('let the administrator filter the Token Manager on the same window', async () => {
    const site = demo.sites.find((s) => s.name === name) as DemoSite;
    await login(context, site, 'admin');
    await openAdminPage(page, site, 'tokens');
    const admin = page.getByRole('region', { name: 'API Token Authentication administration' });
    await admin.getByRole('row').filter({ hasText: 'far-off' }).waitFor();
    await admin.getByLabel('Only tokens expiring or expired within 7 days').check();
    await admin.getByRole('button', { name: 'Apply' }).click();
    await admin.getByRole('row').filter({ hasText: 'far-off' }).waitFor({ state: 'detached' });
    const rows = admin.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('nightly-sync');
    await screenshot(page, `${name}-admin-expiring-filter`);
  });
});
