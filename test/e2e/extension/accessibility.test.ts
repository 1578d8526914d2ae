// Accessibility in Chromium on a Jira and a Confluence flavour: axe-core on every panel and
// admin tab (0 serious or critical violations in our nodes, and proof that axe looked at them),
// the user menu → create → copy → delete walk by keyboard alone, and focus back on the menu's
// trigger when the panel closes.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSiteSpec } from '../../../scripts/demo/demo.ts';
import { login, openAdminPage, openSitePage, putPermissions, type Stage, startStage } from './harness.ts';

const SITES: DemoSiteSpec[] = [
  { name: 'jira9', flavour: 'jira9', port: 0, contextPath: '/jira' },
  { name: 'confluence8', flavour: 'confluence8', port: 0, contextPath: '/confluence' },
];
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** Everything the extension puts in a page. */
const OURS = [
  '#api-token-auth-panel',
  '#api-token-auth-admin-page',
  '#api-token-auth-reminders',
  '#api-token-auth-user-link',
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

interface AxeNode {
  target: (string | string[])[];
}
interface AxeRule {
  id: string;
  impact: string | null;
  nodes: AxeNode[];
}

/** axe-core over the page; the rules it checked on our nodes and the serious or critical violations there. */
async function axe(host: string): Promise<{ checked: number; violations: string[] }> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(
    async () =>
      (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } }).axe.run(
        document,
        { resultTypes: ['violations', 'passes'] },
      ) as Promise<{
        violations: AxeRule[];
        passes: AxeRule[];
      }>,
  );
  const ours = (node: AxeNode) => {
    const first = node.target[0];
    const selector = Array.isArray(first) ? first[0] : first;
    return OURS.some((id) => selector?.startsWith(id));
  };
  const inHost = (node: AxeNode) => JSON.stringify(node.target[0]).includes(host);
  return {
    checked: results.passes.filter((rule) => rule.nodes.some(inHost)).length,
    violations: results.violations
      .filter((rule) => rule.impact === 'serious' || rule.impact === 'critical')
      .flatMap((rule) => rule.nodes.filter(ours).map((node) => `${rule.id}: ${JSON.stringify(node.target)}`)),
  };
}

async function expectAccessible(host: string, what: string): Promise<void> {
  const { checked, violations } = await axe(host);
  expect(checked, `axe looked at ${what}`).toBeGreaterThan(5);
  expect(violations, what).toEqual([]);
}

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
    await expectAccessible('#api-token-auth-panel', 'the empty user panel');

    await tabUntil((f) => f.id === 'ata-create-name', 'the token name');
    await page.keyboard.type(`kb-${name}`);
    await page.keyboard.press('Enter');
    const secret = (await panel().getByTestId('token-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^ata_/);
    await tabUntil((f) => f.label === 'Copy the token', 'the copy button');
    await page.keyboard.press('Enter');
    await panel().getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await expectAccessible('#api-token-auth-panel', 'the user panel with a new secret and its examples');

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
    await expectAccessible('#api-token-auth-panel', 'the info box');

    await login(stage.context, site, 'admin');
    await openAdminPage(page, site);
    for (const tab of ['System-Wide Settings', 'Permissions', 'Token Manager', 'Audit Log']) {
      await adminPage().getByRole('tab', { name: tab }).click();
      await adminPage().getByRole('tab', { name: tab, selected: true }).waitFor();
      await adminPage().getByRole('tabpanel').waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible('#api-token-auth-admin-page', `the admin tab ${tab}`);
    }
  });
});
