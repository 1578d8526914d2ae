// @vitest-environment happy-dom
// The admin page on saved administration pages of every flavour: it takes the content area,
// selects our sidebar item and names itself in the title; a tab is a history entry; leaving
// the URL puts the site's page back exactly as it was.
import { afterEach, describe, expect, it } from 'vitest';
import { CompanionClient } from '../../../extension/companion-client.ts';
import { adminPageUrl } from '../../../extension/content/admin-page-url.ts';
import { runFeatures } from '../../../extension/content/feature.ts';
import adminLinks from '../../../extension/content/features/admin-links.ts';
import adminPage from '../../../extension/content/features/admin-page.ts';
import { product } from '../../../extension/content/page-detect.ts';
import { ADMIN_PAGE_HOST_ID, CONTENT_AREA } from '../../../extension/panels/admin-page.tsx';
import { me } from './fixtures.ts';
import { FLAVOURS, savedPage } from './saved-pages.ts';

const SITE = 'https://jira.example.com/jira';
const admin = me({
  username: 'admin',
  displayName: 'Admin',
  isAdmin: true,
  permissions: { useTokens: true, createOwnTokens: true, createTokensForOthers: true },
  maxValidity: 'P1Y',
});
const answers: Record<string, unknown> = {
  '/api/v1/me': admin,
  '/api/v1/admin/settings': {
    maxValidity: 'P1Y',
    ipAllowlist: [],
    reverseProxy: { enabled: false, trustedProxies: [], clientIpHeader: 'X-Forwarded-For' },
    passwordBasicAuth: true,
    auditAuthentications: false,
    forceReadOnlyScope: false,
  },
};

afterEach(() => {
  document.documentElement.innerHTML = '<head></head><body></body>';
});

function load(flavour: string, url: string) {
  const html = savedPage(flavour, 'admin').html.replace(/<link\b[^>]*rel="stylesheet"[^>]*>/g, '');
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
  document.documentElement.innerHTML = html.replace(/^[\s\S]*?<html[^>]*>/i, '').replace(/<\/html>\s*$/i, '');
  const which = product(document);
  if (!which) throw new Error('not a Jira or Confluence page');
  const client = new CompanionClient(async ({ path }) => ({
    status: path in answers ? 200 : 404,
    contentType: 'application/json',
    text: JSON.stringify(answers[path] ?? { error: { code: 'not_found', message: path } }),
  }));
  const controller = new AbortController();
  const ctx = {
    doc: document,
    product: which,
    siteUrl: SITE,
    client,
    me: admin,
    meError: null,
    local: { get: async () => ({}) },
    now: () => new Date(),
    signal: controller.signal,
  };
  return { which, ctx, controller };
}

const host = () => document.getElementById(ADMIN_PAGE_HOST_ID);
const shadow = () => host()?.shadowRoot;
const selected = () =>
  [...document.querySelectorAll('.aui-navgroup-vertical li.aui-nav-selected')].map((li) => li.textContent);

describe.each(FLAVOURS)('the admin page on a saved %s administration page', (flavour) => {
  it('takes the content area with our sidebar item selected, and gives the page back when the URL leaves it', async () => {
    const first = load(flavour, `${SITE}/x`);
    const url = adminPageUrl(SITE, first.which);
    const { ctx, controller } = load(flavour, url);
    const original = document.querySelector(CONTENT_AREA)?.innerHTML;
    const siteSelection = selected();
    const title = document.title;
    await runFeatures([adminLinks, adminPage], ctx);
    expect(host()?.parentElement).toBe(document.querySelector(CONTENT_AREA));
    expect(
      [...(document.querySelector(CONTENT_AREA)?.children ?? [])].filter((c) => !(c as HTMLElement).hidden),
    ).toEqual([host()]);
    expect(selected()).toEqual(['API Token Authentication']);
    expect(document.title.startsWith('API Token Authentication administration')).toBe(true);
    await expect
      .poll(() => shadow()?.querySelector('[role="tab"][aria-selected="true"]')?.textContent)
      .toBe('System-Wide Settings');

    const audit = shadow()?.querySelector('#ata-tab-audit') as HTMLElement;
    audit.click();
    expect(new URL(location.href).searchParams.get('api-token-auth')).toBe('audit');
    history.replaceState(null, '', url);
    window.dispatchEvent(new PopStateEvent('popstate'));
    await expect
      .poll(() => shadow()?.querySelector('[role="tab"][aria-selected="true"]')?.textContent)
      .toBe('System-Wide Settings');

    history.replaceState(null, '', url.replace(/\?.*$/, ''));
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(host()).toBeNull();
    expect(document.querySelector(CONTENT_AREA)?.innerHTML).toBe(original);
    expect(selected()).toEqual(siteSelection);
    expect(document.title).toBe(title);
    controller.abort();
  });
});
