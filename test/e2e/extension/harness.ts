// The e2e stage for the extension: the demo's simulated sites (simulator + companion + the
// same-origin front proxy of scripts/demo), the extension built with those sites built in
// (into a temporary directory), and Debian's Chromium with the extension loaded.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { buildExtension } from '../../../extension/build.ts';
import { adminPageUrl } from '../../../extension/content/admin-page-url.ts';
import type { BuildTarget } from '../../../extension/manifest.ts';
import type { AdminTab } from '../../../extension/panels/admin-tabs.ts';
import { type DemoSite, type DemoSiteSpec, type RunningDemo, startDemo } from '../../../scripts/demo/demo.ts';
import { launchChromiumWithExtension } from '../../support/browser.ts';

export const SCREENSHOTS = resolve(import.meta.dirname, '..', '..', '..', 'test-results', 'screenshots');

export interface Stage {
  demo: RunningDemo;
  context: BrowserContext;
  site(name: string): DemoSite;
  close(): Promise<void>;
}

/** Builds the extension with `sites` built in (Chrome flavour) into `dir` and loads it in Chromium. */
export async function launchWithExtension(dir: string, sites: string[]): Promise<BrowserContext> {
  const dirs = await buildExtension({ outDir: join(dir, 'extension'), sites, targets: ['chrome'] });
  await mkdir(SCREENSHOTS, { recursive: true });
  return launchChromiumWithExtension(dirs.chrome);
}

/**
 * The demo's sites and the extension built for one browser with them built in, for tests that
 * launch the browser themselves (a fresh profile per test, Firefox, or with the companions'
 * databases open in `dataDir`). `close` stops the demo and removes the temporary directory.
 */
export async function startDemoWithBuild(
  prefix: string,
  specs: DemoSiteSpec[],
  target: BuildTarget,
): Promise<{ demo: RunningDemo; extensionDir: string; dataDir: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const dataDir = join(dir, 'data');
  let demo: RunningDemo | undefined;
  const close = async () => {
    await demo?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    demo = await startDemo({ sites: specs, dataDir, logLevel: 'error' });
    const sites = demo.sites.map((s) => s.url);
    const dirs = await buildExtension({ outDir: join(dir, 'extension'), sites, targets: [target] });
    return { demo, extensionDir: dirs[target], dataDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `builtIn` names the sites built into the extension (default all); the others must be added on the options page. */
export async function startStage(specs: DemoSiteSpec[], builtIn = specs.map((s) => s.name)): Promise<Stage> {
  const dir = await mkdtemp(join(tmpdir(), 'ata-ext-e2e-'));
  const closers: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const closeOne of closers.splice(0).reverse()) await closeOne().catch(() => undefined);
  };
  try {
    const demo = await startDemo({ sites: specs, dataDir: join(dir, 'data'), logLevel: 'error' });
    closers.push(() => demo.close());
    const context = await launchWithExtension(
      dir,
      demo.sites.filter((s) => builtIn.includes(s.name)).map((s) => s.url),
    );
    closers.push(() => context.close());
    const site = (name: string) => {
      const found = demo.sites.find((s) => s.name === name);
      if (!found) throw new Error(`no demo site ${name}`);
      return found;
    };
    return { demo, context, site, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Logs in through the site's own login form endpoint; the session cookie lands in the browser context. */
export async function login(context: BrowserContext, site: DemoSite, user: string): Promise<void> {
  const jira = site.product === 'jira';
  const response = await context.request.post(`${site.url}${jira ? '/login.jsp' : '/dologin.action'}`, {
    form: { os_username: user, os_password: user },
    maxRedirects: 0,
  });
  if (response.status() !== 302)
    throw new Error(`login of ${user} on ${site.name}: HTTP ${response.status()}`);
}

export function homePath(site: DemoSite): string {
  return site.product === 'jira' ? '/secure/Dashboard.jspa' : '/index.action';
}

/** Opens a site page and waits until the content script has run its features. */
export async function openSitePage(page: Page, site: DemoSite, hash = ''): Promise<void> {
  // A fresh document every time: going from `page#a` to `page#b` would only change the hash and
  // keep the previous user's content script state.
  await page.goto('about:blank');
  await page.goto(`${site.url}${homePath(site)}${hash}`);
  await page.locator('html[data-api-token-auth="ready"]').waitFor({ state: 'attached' });
}

/** The admin page as a bookmark opens it: through the site's WebSudo prompt when it asks, onto the tab. */
export async function openAdminPage(page: Page, site: DemoSite, tab: AdminTab = 'settings'): Promise<void> {
  await page.goto('about:blank');
  await page.goto(adminPageUrl(site.url, site.product, tab));
  await page.locator('html[data-api-token-auth="ready"]').waitFor({ state: 'attached' });
  await passWebSudo(page, site);
  if (new URL(page.url()).searchParams.get('api-token-auth') !== tab)
    throw new Error(`the admin page lost its tab: ${page.url()}`);
  await page.locator('#api-token-auth-admin-page').waitFor({ state: 'attached' });
}

/** Answers the site's WebSudo prompt ("Administrator Access") with the admin's password, if it is shown. */
export async function passWebSudo(page: Page, site: DemoSite): Promise<void> {
  const jira = site.product === 'jira';
  const password = page.locator(jira ? '#login-form-authenticatePassword' : '#password');
  if ((await password.count()) === 0) return;
  await password.fill('admin');
  await page.locator(jira ? '#login-form-submit' : '#authenticateButton').click();
  await page.waitForURL((url) => !/WebSudoAuthenticate|authenticate\.action/.test(url.pathname));
  await page.locator('html[data-api-token-auth="ready"]').waitFor({ state: 'attached' });
}

export async function openUserMenu(page: Page, site: DemoSite): Promise<void> {
  const trigger = site.product === 'jira' ? '#header-details-user-fullname' : '#user-menu-link';
  await page.locator(trigger).click();
  await page.locator(`${trigger}[aria-expanded="true"]`).waitFor();
}

export async function extensionId(context: BrowserContext): Promise<string> {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  return new URL(worker.url()).host;
}

/**
 * Adds a site on the options page as a person would. Its host permission is already granted
 * by a built-in site on the same host (match patterns ignore the port), so no prompt appears,
 * which headless Chromium could not answer.
 */
export async function addSiteOnOptionsPage(
  context: BrowserContext,
  page: Page,
  siteUrl: string,
): Promise<void> {
  await page.goto(`chrome-extension://${await extensionId(context)}/options/index.html`);
  await page.getByLabel('Site base URL').fill(siteUrl);
  await page.getByRole('button', { name: 'Add site' }).click();
  await page.getByRole('row').filter({ hasText: siteUrl }).getByText('you', { exact: true }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Calls the site's REST API through the front proxy with a token, as a script would. */
export async function restWithToken(site: DemoSite, user: string, secret: string) {
  const path = site.product === 'jira' ? '/rest/api/2/myself' : '/rest/api/user/current';
  const response = await fetch(`${site.url}${path}`, {
    headers: { Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` },
  });
  return { status: response.status, user: response.headers.get('x-ausername') };
}

/** Changes the permissions as the site administrator would from a script (password Basic auth). */
export async function putPermissions(site: DemoSite, permissions: unknown): Promise<void> {
  const response = await fetch(`${site.companionUrl}/api/v1/admin/permissions`, {
    method: 'PUT',
    headers: {
      Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(permissions),
  });
  if (response.status !== 200)
    throw new Error(`PUT permissions: HTTP ${response.status} ${await response.text()}`);
}
