// The built extension in Debian's Chromium against the four simulated products, each with its
// companion mounted on the site's origin: the menu item, the user panel's create → use →
// delete cycle, the admin panel's permission warnings, the info box and a withdrawn permission.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSiteSpec } from '../../../scripts/demo/demo.ts';
import {
  addSiteOnOptionsPage,
  extensionId,
  login,
  openAdminPage,
  openSitePage,
  openUserMenu,
  passWebSudo,
  putPermissions,
  restWithToken,
  type Stage,
  screenshot,
  startStage,
} from './harness.ts';

// Distinct context paths: all sites share the host `localhost`, and cookies do not separate ports.
const SITES: DemoSiteSpec[] = [
  { name: 'jira9', flavour: 'jira9', port: 0, contextPath: '/jira' },
  { name: 'jira8', flavour: 'jira8', port: 0, contextPath: '/jira8' },
  { name: 'confluence8', flavour: 'confluence8', port: 0, contextPath: '/confluence' },
  { name: 'confluence7', flavour: 'confluence7', port: 0, contextPath: '/wiki' },
];

const ITEM = '#api-token-auth-user-link';

/** Runs a line the panel offers to copy in a real shell, as a person pasting it would. */
async function paste(line: string): Promise<{ status: string; body: string }> {
  const { stdout } = await promisify(execFile)('bash', ['-c', `${line} -s -w '\\n%{http_code}'`]);
  const lines = stdout.trimEnd().split('\n');
  return { status: lines.pop() ?? '', body: lines.join('\n') };
}

let stage: Stage;
let page: Page;

beforeAll(async () => {
  // Confluence 7 is not built in: it is added on the options page, so its tests run on the
  // content script the background registers with scripting.registerContentScripts.
  stage = await startStage(
    SITES,
    SITES.map((s) => s.name).filter((n) => n !== 'confluence7'),
  );
  page = await stage.context.newPage();
  // Fail with the locator that did not appear, well before the test timeout.
  page.setDefaultTimeout(10_000);
  await addSiteOnOptionsPage(stage.context, page, stage.site('confluence7').url);
}, 180_000);

afterAll(async () => {
  await stage?.close();
});

const panel = () => page.getByRole('dialog', { name: 'API Token Authentication' });
const adminPanel = () => page.getByRole('region', { name: 'API Token Authentication administration' });

describe.each(SITES.map((s) => s.name))('the extension on %s', (name) => {
  it('adds the menu item for alice; create → the secret works on the REST API → delete one, delete all → they stop working', async () => {
    const site = stage.site(name);
    await login(stage.context, site, 'alice');
    await openSitePage(page, site);
    await openUserMenu(page, site);
    const item = page.locator(ITEM);
    await expect(item.count()).resolves.toBe(1);
    await item.waitFor({ state: 'visible' });
    await screenshot(page, `${name}-user-menu`);
    await item.click();
    await panel().waitFor();
    const create = async (tokenName: string) => {
      await panel().getByLabel('Token name').fill(tokenName);
      await panel().getByRole('button', { name: 'Create', exact: true }).click();
      const secretBox = panel().getByTestId('token-secret');
      await secretBox.waitFor();
      const secret = (await secretBox.textContent())?.trim() ?? '';
      expect(secret).toMatch(/^ata_[0-9A-Za-z]{33}$/);
      expect(await panel().getByText('it will not be shown again').count()).toBe(1);
      return secret;
    };
    const first = await create(`ci-${name}`);
    await screenshot(page, `${name}-user-panel-secret`);
    expect(await restWithToken(site, 'alice', first)).toEqual({ status: 200, user: 'alice' });
    for (const example of ['usage-curl-basic', 'usage-curl-bearer']) {
      const line = (await panel().getByTestId(example).textContent()) ?? '';
      expect(line).toContain(
        `${site.url}${site.product === 'jira' ? '/rest/api/2/myself' : '/rest/api/user/current'}`,
      );
      const pasted = await paste(line);
      expect(pasted.status, example).toBe('200');
      expect(pasted.body, example).toMatch(/"(name|username)":\s*"alice"/);
    }
    await panel().getByRole('button', { name: 'Done' }).click();
    const second = await create(`ci2-${name}`);
    const third = await create(`ci3-${name}`);

    await panel()
      .getByRole('button', { name: `Delete token ci-${name}` })
      .click();
    await panel().getByRole('button', { name: 'Delete', exact: true }).click();
    await panel()
      .getByRole('row')
      .filter({ hasText: `ci-${name}` })
      .waitFor({ state: 'detached' });
    expect((await restWithToken(site, 'alice', first)).status).toBe(401);
    expect((await restWithToken(site, 'alice', second)).status).toBe(200);

    await panel().getByRole('button', { name: 'Delete all tokens' }).click();
    await panel().getByRole('button', { name: 'Delete', exact: true }).click();
    await panel().getByText('No tokens.').waitFor();
    for (const secret of [second, third])
      expect((await restWithToken(site, 'alice', secret)).status).toBe(401);
    await screenshot(page, `${name}-user-panel-empty`);
    if (name === 'jira9') {
      // Jira 10's dark theme: the panel follows the page.
      await page.goto('about:blank');
      await page.goto(`${site.url}/secure/Dashboard.jspa?theme=dark#api-token-auth`);
      await panel().getByLabel('Token name').waitFor();
      expect(
        await page
          .locator('#api-token-auth-panel')
          .evaluate((h) => h.shadowRoot?.querySelector('.ata.dark') !== null),
      ).toBe(true);
      await screenshot(page, `${name}-user-panel-dark`);
    }
  });

  it('works by keyboard: menu item by arrow keys and Enter, the panel takes focus, Escape closes it', async () => {
    const site = stage.site(name);
    await login(stage.context, site, 'alice');
    await openSitePage(page, site);
    const trigger = page.locator(
      site.product === 'jira' ? '#header-details-user-fullname' : '#user-menu-link',
    );
    await trigger.focus();
    await page.keyboard.press('Enter');
    await trigger.and(page.locator('[aria-expanded="true"]')).waitFor();
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
    // A menu has a handful of items: walk down until ours has the focus, as a keyboard user would.
    for (let step = 0; step < 12 && (await focusedId()) !== ITEM.slice(1); step++) {
      await page.keyboard.press('ArrowDown');
    }
    expect(await focusedId()).toBe(ITEM.slice(1));
    await page.keyboard.press('Enter');
    await panel().waitFor();
    await panel().getByLabel('Token name').waitFor();
    // The first Tab lands inside the dialog, whatever the closing dropdown did with the focus.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-token-auth-panel');
    await page.keyboard.press('Escape');
    await panel().waitFor({ state: 'detached' });
    expect(new URL(page.url()).hash).toBe('');
  });

  it('lets the admin create a token for a user, lower the maximum validity and cap it, see permission warnings and read the audit log', async () => {
    const site = stage.site(name);
    await login(stage.context, site, 'admin');
    // As a bookmark of a tab opens it: the site asks for WebSudo first, then shows that tab.
    await openAdminPage(page, site, 'tokens');
    await adminPanel().getByRole('tab', { name: 'Token Manager', selected: true }).waitFor();
    // The user picker searches the site's users through the companion.
    await adminPanel().getByLabel('For user').fill('bo');
    await adminPanel().getByRole('button', { name: 'bob' }).click();
    await adminPanel().getByLabel('Token name').fill('deploy-bot');
    await adminPanel().getByLabel('Valid for').selectOption('never');
    await adminPanel().getByRole('button', { name: 'Create', exact: true }).click();
    await adminPanel().getByTestId('token-secret').waitFor();
    const row = adminPanel().getByRole('row').filter({ hasText: 'deploy-bot' });
    await row.getByText('created by admin').waitFor();
    await screenshot(page, `${name}-admin-token-manager`);

    await adminPanel().getByRole('tab', { name: 'System-Wide Settings' }).click();
    await adminPanel().getByLabel('Maximum validity').selectOption('P1Y');
    await adminPanel()
      .getByRole('button', { name: /^Add an entry to IP allowlist/ })
      .click();
    const entry = adminPanel().getByLabel(/^IP allowlist.*entry 1$/);
    await entry.fill('10.1');
    await adminPanel().getByText('"10.1" is not an IP address or CIDR range').waitFor();
    expect(await adminPanel().getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    await entry.fill('127.0.0.0/8');
    await adminPanel().getByRole('button', { name: 'Save', exact: true }).click();
    await adminPanel().getByText('Settings saved.').waitFor();
    await adminPanel().getByText('1 existing token(s) are valid longer than the new maximum.').waitFor();
    await adminPanel().getByRole('button', { name: 'Shorten them to the maximum' }).click();
    await adminPanel().getByText('1 token(s) shortened to the maximum.').waitFor();
    await screenshot(page, `${name}-admin-settings`);

    await adminPanel().getByRole('tab', { name: 'Permissions' }).click();
    const use = adminPanel().getByRole('group', { name: 'Use API tokens' });
    await use.getByLabel('Allow everyone to use API tokens').uncheck();
    // The group picker searches the site's groups through the companion.
    await use.getByLabel('Add a group').fill('devel');
    await use.getByRole('button', { name: 'developers' }).click();
    await use.getByRole('listitem').filter({ hasText: 'developers' }).waitFor();
    await adminPanel().getByRole('button', { name: 'Save', exact: true }).click();
    const warnings = adminPanel().getByTestId('ata-permission-warnings');
    await warnings.waitFor();
    expect(await warnings.textContent()).toMatch(/create/i);
    await warnings.scrollIntoViewIfNeeded();
    await screenshot(page, `${name}-admin-permissions-warnings`);

    await adminPanel().getByRole('tab', { name: 'Audit Log' }).click();
    for (const action of ['token.created', 'settings.changed', 'tokens.capped', 'permissions.changed']) {
      await adminPanel().getByRole('cell', { name: action, exact: true }).first().waitFor();
    }
    await screenshot(page, `${name}-admin-audit`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      adminPanel().getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('api-token-auth-audit.csv');
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    expect(csv).toMatch(/tokens\.capped/);
    await adminPanel().getByLabel('To', { exact: true }).fill('2000-01-01');
    await adminPanel().getByRole('button', { name: 'Apply' }).click();
    await adminPanel().getByText('No records.').waitFor();
  });

  it('makes the admin page a page of the site administration: sidebar item, title, tabs in the URL, Back', async () => {
    const site = stage.site(name);
    await login(stage.context, site, 'admin');
    await page.goto('about:blank');
    const jira = site.product === 'jira';
    await page.goto(
      `${site.url}${jira ? '/secure/admin/user/UserBrowser.jspa' : '/admin/users/browseusers.action'}`,
    );
    await page.locator('html[data-api-token-auth="ready"]').waitFor({ state: 'attached' });
    await passWebSudo(page, site);
    const usersTable = page.locator(jira ? '#user_browser_table' : '#user-browser-table');
    const siteTitle = await page.title();
    const link = page.locator('#api-token-auth-admin-link');
    await link.waitFor();
    await screenshot(page, `${name}-admin-page-link`);
    await link.click();
    await adminPanel().getByRole('tab', { name: 'System-Wide Settings', selected: true }).waitFor();
    // In the site's own layout: its content area, our sidebar item selected, the page title.
    expect(await page.locator('.aui-page-panel-content > #api-token-auth-admin-page').count()).toBe(1);
    expect(await usersTable.isVisible()).toBe(false);
    expect(await page.locator('.aui-navgroup-vertical li.aui-nav-selected').allTextContents()).toEqual([
      'API Token Authentication',
    ]);
    expect(await page.title()).toBe(
      `API Token Authentication administration${siteTitle.slice(siteTitle.lastIndexOf(' - '))}`,
    );
    expect(new URL(page.url()).searchParams.get('api-token-auth')).toBe('settings');
    await screenshot(page, `${name}-admin-page`);

    await adminPanel().getByRole('tab', { name: 'Permissions' }).click();
    expect(new URL(page.url()).searchParams.get('api-token-auth')).toBe('permissions');
    await adminPanel().getByRole('group', { name: 'Use API tokens' }).waitFor();
    await page.goBack();
    await adminPanel().getByRole('tab', { name: 'System-Wide Settings', selected: true }).waitFor();
    await page.goBack();
    await usersTable.waitFor({ state: 'visible' });
    expect(await page.locator('#api-token-auth-admin-page').count()).toBe(0);
    expect(await page.title()).toBe(siteTitle);
    await page.goForward();
    await adminPanel().getByRole('tab', { name: 'System-Wide Settings', selected: true }).waitFor();

    // The old dialog link leads to the page.
    await openSitePage(page, site, '#api-token-auth/admin');
    await page.waitForURL((url) => url.searchParams.get('api-token-auth') === 'settings');
    await adminPanel().getByRole('tab', { name: 'System-Wide Settings' }).waitFor();
    if (name === 'jira9') {
      await page.goto(`${page.url()}&theme=dark`);
      await adminPanel().getByRole('tab', { name: 'System-Wide Settings' }).waitFor();
      expect(
        await page
          .locator('#api-token-auth-admin-page')
          .evaluate((h) => h.shadowRoot?.querySelector('.ata.dark') !== null),
      ).toBe(true);
      await screenshot(page, `${name}-admin-page-dark`);
    }
  });

  it('gives a user without permission no item, and the info box on the URL', async () => {
    const site = stage.site(name);
    await putPermissions(site, {
      useTokens: { everyone: false, groups: ['developers'] },
      createOwnTokens: { everyone: false, groups: ['developers'] },
      createTokensForOthers: { everyone: false, groups: [] },
    });
    await login(stage.context, site, 'carol');
    await openSitePage(page, site);
    await openUserMenu(page, site);
    await expect(page.locator(ITEM).count()).resolves.toBe(0);
    await openSitePage(page, site, '#api-token-auth');
    await panel().getByTestId('ata-info-box').waitFor();
    expect(await panel().getByTestId('ata-info-box').textContent()).toMatch(/Ask a site administrator/);
    await screenshot(page, `${name}-info-box`);
  });

  it('shows the 403 message when create-own was withdrawn while the panel was open', async () => {
    const site = stage.site(name);
    await login(stage.context, site, 'alice');
    await openSitePage(page, site, '#api-token-auth');
    await panel().getByLabel('Token name').fill('too late');
    await putPermissions(site, {
      useTokens: { everyone: true, groups: [] },
      createOwnTokens: { everyone: false, groups: [] },
      createTokensForOthers: { everyone: false, groups: [] },
    });
    await panel().getByRole('button', { name: 'Create', exact: true }).click();
    const alert = panel().getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/do not have permission/);
    await screenshot(page, `${name}-user-panel-403`);
  });
});

describe('the options page', () => {
  it('lists built-in and added sites and tests the connection to a companion', async () => {
    const site = stage.site('jira9');
    await login(stage.context, site, 'alice');
    await page.goto(`chrome-extension://${await extensionId(stage.context)}/options/index.html`);
    const row = page.getByRole('row').filter({ hasText: site.url });
    await row.getByText('this build').waitFor();
    await page
      .getByRole('row')
      .filter({ hasText: stage.site('confluence7').url })
      .getByText('you')
      .waitFor();
    expect(await page.getByRole('row').count()).toBe(SITES.length + 1);
    await row.getByRole('button', { name: 'Test connection' }).click();
    const report = row.getByRole('status');
    await report.waitFor();
    expect(await report.textContent()).toMatch(/Health check: HTTP 200.*Logged in to the site as alice/s);
    await screenshot(page, 'options-page');
  });
});
