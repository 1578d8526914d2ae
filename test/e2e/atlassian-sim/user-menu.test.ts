import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlavourName, type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { launchChromium } from '../../support/browser.ts';

// In a real Chromium with the real AUI: log in through the product's form, open the user menu by clicking the
// avatar, close it with Esc. AUI 8 (Jira 8, Confluence 7) moves the open dropdown to <body>; AUI 9 does not.
interface Case {
  flavour: FlavourName;
  contextPath: string;
  loginPath: string;
  submit: string;
  trigger: string;
  dropdown: string;
  movesToBody: boolean;
}

const CASES: Case[] = [
  {
    flavour: 'jira9',
    contextPath: '/jira',
    loginPath: '/login.jsp',
    submit: '#login-form-submit',
    trigger: '#header-details-user-fullname',
    dropdown: 'user-options-content',
    movesToBody: false,
  },
  {
    flavour: 'jira8',
    contextPath: '',
    loginPath: '/login.jsp',
    submit: '#login-form-submit',
    trigger: '#header-details-user-fullname',
    dropdown: 'user-options-content',
    movesToBody: true,
  },
  {
    flavour: 'confluence8',
    contextPath: '/confluence',
    loginPath: '/login.action',
    submit: '#loginButton',
    trigger: '#user-menu-link',
    dropdown: 'user-menu-link-content',
    movesToBody: false,
  },
  {
    flavour: 'confluence7',
    contextPath: '',
    loginPath: '/login.action',
    submit: '#loginButton',
    trigger: '#user-menu-link',
    dropdown: 'user-menu-link-content',
    movesToBody: true,
  },
];

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const parentTag = (page: Page, id: string) =>
  page.evaluate((dropdownId) => document.getElementById(dropdownId)?.parentElement?.tagName ?? null, id);

describe.each(CASES)('$flavour user menu', (c) => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ flavour: c.flavour, contextPath: c.contextPath });
  });
  afterAll(() => sim?.close());

  it('logs in through the form, opens the menu on click and closes it with Esc', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => failures.push(e.message));
    try {
      await page.goto(`${sim.baseUrl}${c.loginPath}`);
      await page.fill('input[name="os_username"]', 'alice');
      await page.fill('input[name="os_password"]', 'alice');
      await Promise.all([
        page.waitForURL((url) => !url.pathname.endsWith(c.loginPath)),
        page.click(c.submit),
      ]);
      expect(await page.getAttribute('meta[name="ajs-remote-user"]', 'content')).toBe('alice');

      const trigger = page.locator(c.trigger);
      const dropdown = page.locator(`#${c.dropdown}`);
      // AUI upgrades the trigger and marks it resolved once its script ran.
      await page.waitForSelector(`${c.trigger}[resolved]`, { state: 'attached' });
      const home = await parentTag(page, c.dropdown);
      await trigger.click();
      await page.waitForSelector(`${c.trigger}[aria-expanded="true"]`);
      await dropdown.waitFor({ state: 'visible' });
      expect(await trigger.getAttribute('class')).toContain('aui-dropdown2-active');
      expect(await parentTag(page, c.dropdown)).toBe(c.movesToBody ? 'BODY' : home);
      await expect(dropdown.locator('a', { hasText: 'Log Out' }).isVisible()).resolves.toBe(true);

      await page.keyboard.press('Escape');
      await dropdown.waitFor({ state: 'hidden' });
      expect(await trigger.getAttribute('aria-expanded')).toBe('false');
      expect(await parentTag(page, c.dropdown)).toBe(home);
      expect(failures).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an anonymous page shows the login link', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${sim.baseUrl}/`);
      const login = page.locator('a.login-link').first();
      await login.waitFor({ state: 'visible' });
      expect(await login.getAttribute('href')).toContain(`${c.contextPath}${c.loginPath}`);
      expect(await page.getAttribute('meta[name="ajs-remote-user"]', 'content')).toBe('');
    } finally {
      await context.close();
    }
  });
});
