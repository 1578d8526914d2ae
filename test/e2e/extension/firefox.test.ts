// The Firefox build in Debian's firefox-esr (puppeteer-core over WebDriver BiDi) against one
// Jira and one Confluence flavour: the menu item, the user panel's create → use → delete, and
// the admin page. Puppeteer's aria selectors do not reach into the panel's shadow root, so
// the panel is queried through `host.shadowRoot` (see `inPanel`).
import { join } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSite, DemoSiteSpec, RunningDemo } from '../../../scripts/demo/demo.ts';
import { launchFirefoxWithExtension } from '../../support/browser.ts';
import { homePath, restWithToken, SCREENSHOTS, startDemoWithBuild } from './harness.ts';

const SITES: DemoSiteSpec[] = [
  { name: 'jira9', flavour: 'jira9', port: 0, contextPath: '/jira' },
  { name: 'confluence8', flavour: 'confluence8', port: 0, contextPath: '/confluence' },
];
let demo: RunningDemo;
let close = async () => {};
let browser: Browser;
let page: Page;

beforeAll(async () => {
  let extensionDir: string;
  ({ demo, extensionDir, close } = await startDemoWithBuild('ata-firefox-', SITES, 'firefox'));
  ({ browser } = await launchFirefoxWithExtension(extensionDir));
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await close();
});

const site = (name: string) => demo.sites.find((s) => s.name === name) as DemoSite;

/** Logs in with the site's own login form, posted from one of its pages, so the browser keeps the cookie. */
async function login(s: DemoSite, user: string): Promise<void> {
  await page.goto(`${s.url}${homePath(s)}`);
  const status = await page.evaluate(
    async (url, form) =>
      (await fetch(url, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' })).type,
    `${s.url}${s.product === 'jira' ? '/login.jsp' : '/dologin.action'}`,
    { os_username: user, os_password: user },
  );
  expect(status).toBe('opaqueredirect');
}

async function openSitePage(s: DemoSite, hash = ''): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${s.url}${homePath(s)}${hash}`);
  await page.waitForSelector('html[data-api-token-auth="ready"]');
}

const PANEL = 'api-token-auth-panel';
const ADMIN_PAGE = 'api-token-auth-admin-page';

/** An element inside the shadow root of the panel (or of the admin page), once it is there. */
async function inPanel(selector: string, text?: string, host = PANEL): Promise<ElementHandle<Element>> {
  const handle = await page.waitForFunction(
    (id, sel, txt) => {
      const root = document.getElementById(id)?.shadowRoot;
      const all = [...(root?.querySelectorAll(sel) ?? [])];
      return all.find((e) => txt === undefined || e.textContent?.trim() === txt) ?? null;
    },
    {},
    host,
    selector,
    text,
  );
  return handle as ElementHandle<Element>;
}

async function panelHas(selector: string): Promise<boolean> {
  return page.evaluate(
    (sel) => !!document.getElementById('api-token-auth-panel')?.shadowRoot?.querySelector(sel),
    selector,
  );
}

describe.each(['jira9', 'confluence8'])('the Firefox build on %s', (name) => {
  it('adds the menu item; create → the secret works on the REST API → delete → it stops working', async () => {
    const s = site(name);
    await login(s, 'alice');
    await openSitePage(s);
    const trigger = s.product === 'jira' ? '#header-details-user-fullname' : '#user-menu-link';
    await page.click(trigger);
    await page.waitForSelector(`${trigger}[aria-expanded="true"]`);
    const item = await page.waitForSelector('#api-token-auth-user-link', { visible: true });
    expect(await item?.evaluate((a) => a.textContent)).toBe('API Token Authentication');
    await page.screenshot({ path: join(SCREENSHOTS, `firefox-${name}-user-menu.png`) });
    await item?.click();
    await (await inPanel('#ata-create-name')).type(`ff-${name}`);
    await (await inPanel('button[type="submit"]')).click();
    const secret =
      (await (await inPanel('[data-testid="token-secret"]')).evaluate((e) => e.textContent)) ?? '';
    expect(secret).toMatch(/^ata_[0-9A-Za-z]{33}$/);
    expect(await panelHas('[data-testid="usage-curl-basic"]')).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, `firefox-${name}-user-panel-secret.png`) });
    expect(await restWithToken(s, 'alice', secret)).toEqual({ status: 200, user: 'alice' });

    await (await inPanel(`button[aria-label="Delete token ff-${name}"]`)).click();
    await (await inPanel('fieldset.inline-confirm button.danger')).click();
    await inPanel('p.subtle', 'No tokens.');
    expect((await restWithToken(s, 'alice', secret)).status).toBe(401);
  });

  it('opens the admin page from the sidebar link, past WebSudo, with its four tabs and Back between them', async () => {
    const s = site(name);
    await login(s, 'admin');
    const jira = s.product === 'jira';
    await page.goto(
      `${s.url}${jira ? '/secure/admin/user/UserBrowser.jspa' : '/admin/users/browseusers.action'}`,
    );
    await page.waitForSelector('html[data-api-token-auth="ready"]');
    await page.type(jira ? '#login-form-authenticatePassword' : '#password', 'admin');
    await Promise.all([
      page.waitForNavigation(),
      page.click(jira ? '#login-form-submit' : '#authenticateButton'),
    ]);
    const link = await page.waitForSelector('#api-token-auth-admin-link');
    await Promise.all([page.waitForNavigation(), link?.click()]);
    for (const tab of ['System-Wide Settings', 'Permissions', 'Token Manager', 'Audit Log']) {
      await inPanel('[role="tab"]', tab, ADMIN_PAGE);
    }
    expect(new URL(page.url()).searchParams.get('api-token-auth')).toBe('settings');
    await (await inPanel('[role="tab"]', 'Audit Log', ADMIN_PAGE)).click();
    await inPanel('[role="tab"][aria-selected="true"]', 'Audit Log', ADMIN_PAGE);
    expect(new URL(page.url()).searchParams.get('api-token-auth')).toBe('audit');
    await inPanel('td', 'token.created', ADMIN_PAGE);
    await page.screenshot({ path: join(SCREENSHOTS, `firefox-${name}-admin-audit.png`) });
    await page.goBack();
    await inPanel('[role="tab"][aria-selected="true"]', 'System-Wide Settings', ADMIN_PAGE);
  });
});
