// @vitest-environment happy-dom
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Me } from '../../../extension/api-types.ts';
import { CompanionClient, CompanionError } from '../../../extension/companion-client.ts';
import { adminPageUrl } from '../../../extension/content/admin-page-url.ts';
import { type ContentContext, runFeatures } from '../../../extension/content/feature.ts';
import adminLinks, { ADMIN_LINK_ID } from '../../../extension/content/features/admin-links.ts';
import confluenceUserMenu from '../../../extension/content/features/confluence-user-menu.ts';
import jiraUserMenu, { JIRA_USER_ITEM_ID } from '../../../extension/content/features/jira-user-menu.ts';
import { product } from '../../../extension/content/page-detect.ts';
import { FLAVOURS, parse, savedPage } from './saved-pages.ts';

const MENU_FEATURES = [jiraUserMenu, confluenceUserMenu, adminLinks];
const USER_LIST = {
  jira: '#user-options-content ul#personal',
  confluence: '#user-menu-link-user-preferences',
};
const DROPDOWN = { jira: '#user-options-content', confluence: '#user-menu-link-content' };

function me(username: string, overrides: Partial<Me> = {}): Me {
  return {
    username,
    displayName: username,
    isAdmin: false,
    product: 'jira',
    permissions: { useTokens: true, createOwnTokens: true, createTokensForOthers: false },
    validityOptions: ['P1M', 'never'],
    maxValidity: 'never',
    forceReadOnlyScope: false,
    ...overrides,
  };
}

function context(doc: Document, who: Me | null, meError: CompanionError | null = null): ContentContext {
  const which = product(doc);
  if (!which) throw new Error('not a Jira or Confluence page');
  // The menu features never call the companion: a client whose every call fails proves it.
  const client = new CompanionClient(() =>
    Promise.reject(new Error('the menu features must not call the companion')),
  );
  return {
    doc,
    product: which,
    siteUrl: 'https://jira.example.com/jira',
    client,
    me: who,
    meError,
    local: { get: async () => ({}) },
    now: () => new Date(),
    signal: new AbortController().signal,
  };
}

const items = (doc: Document, id: string) => doc.querySelectorAll(`#${id}`);

describe.each(FLAVOURS)('the user menu item on saved %s pages', (flavour) => {
  const alice = savedPage(flavour, 'alice');
  const which = alice.product;

  it('is added once to the user menu section, as a link to the user panel with its neighbours’ roles', async () => {
    const doc = parse(alice.html);
    await runFeatures(MENU_FEATURES, context(doc, me('alice')));
    await runFeatures(MENU_FEATURES, context(doc, me('alice')));
    expect(items(doc, JIRA_USER_ITEM_ID)).toHaveLength(1);
    const link = doc.getElementById(JIRA_USER_ITEM_ID) as HTMLAnchorElement;
    expect(link.closest('ul')).toBe(doc.querySelector(USER_LIST[which]));
    expect(link.textContent).toBe('API Token Authentication');
    expect(link.getAttribute('href')).toMatch(/#api-token-auth$/);
    const neighbour = link.closest('ul')?.querySelector('li:not(:has(#api-token-auth-user-link))');
    expect(link.parentElement?.getAttribute('role')).toBe(neighbour?.getAttribute('role') ?? null);
    expect(link.getAttribute('role')).toBe(neighbour?.querySelector('a')?.getAttribute('role') ?? null);
  });

  it('stays single when the open dropdown is moved to <body> (AUI 8) and back', async () => {
    const doc = parse(alice.html);
    await runFeatures(MENU_FEATURES, context(doc, me('alice')));
    const dropdown = doc.querySelector(DROPDOWN[which]) as HTMLElement;
    const home = dropdown.parentElement as HTMLElement;
    doc.body.append(dropdown);
    await Promise.resolve();
    expect(items(doc, JIRA_USER_ITEM_ID)).toHaveLength(1);
    expect(dropdown.querySelector(`#${JIRA_USER_ITEM_ID}`)).not.toBeNull();
    home.append(dropdown);
    await Promise.resolve();
    expect(items(doc, JIRA_USER_ITEM_ID)).toHaveLength(1);
    expect(doc.querySelector(USER_LIST[which])?.contains(doc.getElementById(JIRA_USER_ITEM_ID))).toBe(true);
  });

  it('comes back when the page re-renders the menu section without it', async () => {
    const doc = parse(alice.html);
    await runFeatures(MENU_FEATURES, context(doc, me('alice')));
    const list = doc.querySelector(USER_LIST[which]) as HTMLElement;
    const fresh = list.cloneNode(true) as HTMLElement;
    fresh.querySelector(`#${JIRA_USER_ITEM_ID}`)?.parentElement?.remove();
    list.replaceWith(fresh);
    await vi.waitFor(() => expect(fresh.querySelector(`#${JIRA_USER_ITEM_ID}`)).not.toBeNull());
    expect(items(doc, JIRA_USER_ITEM_ID)).toHaveLength(1);
  });

  it('is not added for a user holding neither use nor create-own', async () => {
    const doc = parse(alice.html);
    const withoutPermission = me('carol', {
      permissions: { useTokens: false, createOwnTokens: false, createTokensForOthers: false },
    });
    const outcomes = await runFeatures(MENU_FEATURES, context(doc, withoutPermission));
    expect(items(doc, JIRA_USER_ITEM_ID)).toHaveLength(0);
    expect(outcomes.every((o) => o.state === 'skipped')).toBe(true);
  });

  it('is added when the companion cannot answer, so its panel can say so, but not when it refused', async () => {
    const down = parse(alice.html);
    await runFeatures(
      MENU_FEATURES,
      context(down, null, new CompanionError(0, 'unreachable', 'cannot be reached')),
    );
    expect(items(down, JIRA_USER_ITEM_ID)).toHaveLength(1);
    const refused = parse(alice.html);
    await runFeatures(
      MENU_FEATURES,
      context(refused, null, new CompanionError(401, 'unauthorized', 'log in')),
    );
    expect(items(refused, JIRA_USER_ITEM_ID)).toHaveLength(0);
  });

  it('is not added on an anonymous page (Jira’s still carries the dropdown markup)', async () => {
    const doc = parse(savedPage(flavour, 'anonymous').html);
    if (which === 'jira') expect(doc.querySelector(DROPDOWN[which])).not.toBeNull();
    await runFeatures(MENU_FEATURES, context(doc, null));
    expect(items(doc, JIRA_USER_ITEM_ID)).toHaveLength(0);
  });
});

describe.each(FLAVOURS)('the admin link on a saved %s administration page', (flavour) => {
  const admin = savedPage(flavour, 'admin');

  it('sits in the sidebar list of the user administration section, not in the header menus', async () => {
    const doc = parse(admin.html);
    await runFeatures(MENU_FEATURES, context(doc, me('admin', { isAdmin: true })));
    expect(items(doc, ADMIN_LINK_ID)).toHaveLength(1);
    const list = doc.getElementById(ADMIN_LINK_ID)?.closest('ul');
    const usersLink = admin.product === 'jira' ? '#user_browser' : 'a[href*="browseusers.action"]';
    expect(list?.querySelector(usersLink)).not.toBeNull();
    expect(list?.closest('.aui-navgroup-vertical')).not.toBeNull();
    expect(doc.getElementById(ADMIN_LINK_ID)?.getAttribute('href')).toBe(
      adminPageUrl('https://jira.example.com/jira', admin.product),
    );
  });

  it('is not added for someone who is not an administrator', async () => {
    const doc = parse(admin.html);
    await runFeatures(MENU_FEATURES, context(doc, me('alice')));
    expect(items(doc, ADMIN_LINK_ID)).toHaveLength(0);
  });
});

describe('the content script’s feature list', () => {
  it('imports every file in content/features/', () => {
    const dir = join(import.meta.dirname, '..', '..', '..', 'extension', 'content');
    const index = readFileSync(join(dir, 'index.ts'), 'utf8');
    const files = readdirSync(join(dir, 'features')).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(index).toContain(`./features/${file}'`);
  });
});
