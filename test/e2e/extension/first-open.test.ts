// The menu item on the first page after the browser starts, in a fresh Chromium profile: the
// menu is opened right after DOMContentLoaded and the item must be in it while it is open.
// How long after the opening the item appeared is recorded (printed), never asserted: speed
// targets are benchmarks. Before issue 13 it appeared 2.3-2.9 s after the opening (Chromium's
// first storage.managed.get(), awaited before anything else); a fresh profile has no last
// known /me answer, so the item is there provisionally from the content script's start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSite, DemoSiteSpec, RunningDemo } from '../../../scripts/demo/demo.ts';
import { launchChromiumWithExtension } from '../../support/browser.ts';
import { homePath, login, startDemoWithBuild } from './harness.ts';

const SITES: DemoSiteSpec[] = [
  { name: 'jira9', flavour: 'jira9', port: 0, contextPath: '/jira' },
  { name: 'confluence8', flavour: 'confluence8', port: 0, contextPath: '/confluence' },
];
let demo: RunningDemo;
let extensionDir: string;
let close = async () => {};

beforeAll(async () => {
  ({ demo, extensionDir, close } = await startDemoWithBuild('ata-first-open-', SITES, 'chrome'));
}, 180_000);

afterAll(() => close());

/**
 * Runs in the page's main world before any of its scripts: notes when the user menu's trigger
 * says it is open and when our item is in the document.
 */
function watchMenu({ trigger, item }: { trigger: string; item: string }) {
  const times: { opened?: number; item?: number; starting?: number; ready?: number } = {};
  (window as unknown as { ataTimes: typeof times }).ataTimes = times;
  new MutationObserver(() => {
    const now = performance.now();
    if (times.opened === undefined && document.querySelector(`${trigger}[aria-expanded="true"]`))
      times.opened = now;
    if (times.item === undefined && document.querySelector(item)) times.item = now;
    const state = document.documentElement.getAttribute('data-api-token-auth');
    if (times.starting === undefined && state) times.starting = now;
    if (times.ready === undefined && state === 'ready') times.ready = now;
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

const figures: string[] = [];

describe.each(['jira9', 'confluence8'])('the first page after the browser starts, on %s', (name) => {
  it('has the item in the user menu opened right after DOMContentLoaded', async () => {
    const site = demo.sites.find((s) => s.name === name) as DemoSite;
    const context = await launchChromiumWithExtension(extensionDir);
    try {
      await login(context, site, 'alice');
      const page = context.pages()[0] ?? (await context.newPage());
      const trigger = site.product === 'jira' ? '#header-details-user-fullname' : '#user-menu-link';
      const item = '#api-token-auth-user-link';
      await page.addInitScript(watchMenu, { trigger, item });
      await page.goto(`${site.url}${homePath(site)}`, { waitUntil: 'domcontentloaded' });
      await page.locator(trigger).click();
      await page.locator(`${trigger}[aria-expanded="true"]`).waitFor();
      // Present while the menu is open: no reopening, no reload.
      await page.locator(item).waitFor({ state: 'visible' });
      expect(await page.locator(`${trigger}[aria-expanded="true"]`).count()).toBe(1);
      const times = await page.evaluate(
        () => (window as unknown as { ataTimes: Record<string, number> }).ataTimes,
      );
      const nav = await page.evaluate(() => {
        const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return { domContentLoaded: entry.domContentLoadedEventEnd };
      });
      figures.push(
        `${name}: DOMContentLoaded ${nav.domContentLoaded.toFixed(0)} ms, menu open ${times.opened?.toFixed(0)} ms, ` +
          `item ${times.item?.toFixed(0)} ms after navigation; item ${Math.max(0, (times.item ?? 0) - (times.opened ?? 0)).toFixed(0)} ms after opening ` +
          `(content script started ${times.starting?.toFixed(0)} ms, ready ${times.ready?.toFixed(0)} ms)`,
      );
      await page.locator('html[data-api-token-auth="ready"]').waitFor({ state: 'attached' });
    } finally {
      await context.close();
    }
  }, 60_000);
});

afterAll(() => {
  console.log(`[first-open] ${figures.join('\n[first-open] ')}`);
});
