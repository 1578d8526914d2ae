// Accessibility in Chromium on a Jira and a Confluence flavour: axe-core on every panel and
// admin tab (0 serious or critical violations in our nodes, and proof that axe looked at them),
// the user menu → create → copy → delete walk by keyboard alone, and focus back on the menu's
// trigger when the panel closes.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSiteSpec } from '../../../scripts/demo/demo.ts';
import { axe, expectAccessible } from './axe.ts';
import { login, openAdminPage, openSitePage, putPermissions, type Stage, startStage } from './harness.ts';

const SITES: DemoSiteSpec[] = [
  { name: 'jira9', flavour: 'jira9', port: 0, contextPath: '/jira' },
  { name: 'confluence8', flavour: 'confluence8', port: 0, contextPath: '/confluence' },
];
let stage: Stage;
let page: Page;

beforeAll(async () => {
  stage = await startStage(SITES);
  await stage.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page = await stage.context.newPage();
  page.setDefaultTimeout(10_000);
}, 180_000);

afterAll(async () => {
  await stage?.close();
});

const panel = () => page.getByRole('dialog', { name: 'API Token Authentication' });
const adminPage = () => page.getByRole('region', { name: 'API Token Authentication administration' });
const focused = () =>
  page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return {
      id: active?.id ?? '',
      label: active?.getAttribute('aria-label') ?? active?.textContent?.trim() ?? '',
    };
  });

async function tabUntil(wanted: (f: { id: string; label: string }) => boolean, what: string): Promise<void> {
  for (let step = 0; step < 40; step++) {
    if (wanted(await focused())) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${what}; focus is on ${JSON.stringify(await focused())}`);
}

describe.each(SITES.map((s) => s.name))('accessibility on %s', (name) => {
  it('walks menu → create → copy → delete by keyboard, and gives focus back to the menu trigger', async () => {
    const site = stage.site(name);
    await login(stage.context, site, 'alice');
    await openSitePage(page, site);
    const triggerId = site.product === 'jira' ? 'header-details-user-fullname' : 'user-menu-link';
    await page.locator(`#${triggerId}`).focus();
    await page.keyboard.press('Enter');
    await page.locator(`#${triggerId}[aria-expanded="true"]`).waitFor();
    for (let step = 0; step < 12 && (await focused()).id !== 'api-token-auth-user-link'; step++) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await panel().getByLabel('Token name').waitFor();
    await expectAccessible(page, '#api-token-auth-panel', 'the empty user panel');
    // axe does see into the shadow root: a button without a name there is reported.
    await page.evaluate(() => {
      const probe = document.createElement('button');
      probe.id = 'axe-probe';
      document
        .getElementById('api-token-auth-panel')
        ?.shadowRoot?.querySelector('.ata-dialog-content')
        ?.append(probe);
    });
    expect((await axe(page, '#api-token-auth-panel')).violations.join()).toContain('button-name');
    await page.evaluate(() =>
      document.getElementById('api-token-auth-panel')?.shadowRoot?.getElementById('axe-probe')?.remove(),
    );

    await tabUntil((f) => f.id === 'ata-create-name', 'the token name');
    await page.keyboard.type(`kb-${name}`);
    await page.keyboard.press('Enter');
    const secret = (await panel().getByTestId('token-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^ata_/);
    await tabUntil((f) => f.label === 'Copy the token', 'the copy button');
    await page.keyboard.press('Enter');
    await panel().getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await expectAccessible(
      page,
      '#api-token-auth-panel',
      'the user panel with a new secret and its examples',
    );

    await tabUntil((f) => f.label === `Delete token kb-${name}`, 'the delete button');
    await page.keyboard.press('Enter');
    // The confirmation takes the focus: Enter confirms.
    await expect.poll(async () => (await focused()).label).toBe('Delete');
    await page.keyboard.press('Enter');
    await panel().getByText('No tokens.').waitFor();

    await page.keyboard.press('Escape');
    await panel().waitFor({ state: 'detached' });
    await expect.poll(async () => (await focused()).id).toBe(triggerId);
  });

  it('has no serious or critical axe violations on the info box and on every admin tab', async () => {
    const site = stage.site(name);
    await putPermissions(site, {
      useTokens: { everyone: false, groups: ['developers'] },
      createOwnTokens: { everyone: false, groups: ['developers'] },
      createTokensForOthers: { everyone: false, groups: [] },
    });
    await login(stage.context, site, 'carol');
    await openSitePage(page, site, '#api-token-auth');
    await panel().getByTestId('ata-info-box').waitFor();
    await expectAccessible(page, '#api-token-auth-panel', 'the info box');

    await login(stage.context, site, 'admin');
    await openAdminPage(page, site);
    for (const tab of ['System-Wide Settings', 'Permissions', 'Token Manager', 'Audit Log']) {
      await adminPage().getByRole('tab', { name: tab }).click();
      await adminPage().getByRole('tab', { name: tab, selected: true }).waitFor();
      await adminPage().getByRole('tabpanel').waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, '#api-token-auth-admin-page', `the admin tab ${tab}`);
    }
  });
});
