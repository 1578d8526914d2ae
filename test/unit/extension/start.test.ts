// @vitest-environment happy-dom
// The content script's start on saved pages: the menu item from the last known answer before
// `/me` answers, corrected by the answer, and the policy never awaited for a site known otherwise.
import { describe, expect, it } from 'vitest';
import type { CompanionResponse } from '../../../extension/background/messages.ts';
import type { Feature } from '../../../extension/content/feature.ts';
import adminLinks from '../../../extension/content/features/admin-links.ts';
import jiraUserMenu, { JIRA_USER_ITEM_ID } from '../../../extension/content/features/jira-user-menu.ts';
import { READY_ATTRIBUTE, type StartEnv, start } from '../../../extension/content/start.ts';
import { readLastKnownMe, writeLastKnownMe } from '../../../extension/storage/last-known.ts';
import { type Area, POLICY_CACHE_KEY } from '../../../extension/storage/sites.ts';
import { me, memoryArea } from './fixtures.ts';
import { parse, savedPage } from './saved-pages.ts';

const SITE = 'https://jira.example.com/jira';
const PAGE = `${SITE}/secure/Dashboard.jspa`;

/** A policy area that never answers, as Chromium's first storage.managed.get() seems to a page. */
const stuckPolicy: Area = { get: () => new Promise(() => {}) };

const refused = me({
  permissions: { useTokens: false, createOwnTokens: false, createTokensForOthers: false },
});

/** `/me` answers only when the test says so. */
function companion() {
  let answer: (response: CompanionResponse) => void = () => {};
  const answered = new Promise<CompanionResponse>((resolve) => {
    answer = resolve;
  });
  const paths: string[] = [];
  return {
    paths,
    reply: (status: number, body: unknown) =>
      answer({ status, contentType: 'application/json', text: JSON.stringify(body) }),
    transportFor: () => async (request: { path: string }) => {
      paths.push(request.path);
      return answered;
    },
  };
}

function env(
  doc: Document,
  local: Area,
  server: ReturnType<typeof companion>,
  extra: Partial<StartEnv> = {},
) {
  return {
    doc,
    pageUrl: PAGE,
    builtinSites: [SITE],
    local,
    managed: stuckPolicy,
    transportFor: server.transportFor,
    now: () => new Date(),
    ...extra,
  } satisfies StartEnv;
}

const page = () => parse(savedPage('jira9', 'alice').html);
const item = (doc: Document) => doc.getElementById(JIRA_USER_ITEM_ID);
const state = (doc: Document) => doc.documentElement.getAttribute(READY_ATTRIBUTE);
const until = async (check: () => boolean) => {
  for (let i = 0; i < 50 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
};

describe('the content script’s start', () => {
  it('shows the item from the last known answer before /me answers, and keeps it when /me agrees', async () => {
    const doc = page();
    const local = memoryArea();
    await writeLastKnownMe(local, SITE, me());
    const server = companion();
    const started = start([jiraUserMenu, adminLinks], env(doc, local, server));
    await until(() => state(doc) === 'cached');
    expect(state(doc)).toBe('cached');
    expect(item(doc)).not.toBeNull();
    server.reply(200, me({ displayName: 'Alice Fresh' }));
    await started;
    expect(state(doc)).toBe('ready');
    expect(doc.querySelectorAll(`#${JIRA_USER_ITEM_ID}`)).toHaveLength(1);
    expect((await readLastKnownMe(local, SITE, 'alice'))?.displayName).toBe('Alice Fresh');
  });

  it('takes the item away when the fresh answer withdraws the permission', async () => {
    const doc = page();
    const local = memoryArea();
    await writeLastKnownMe(local, SITE, me());
    const server = companion();
    const started = start([jiraUserMenu], env(doc, local, server));
    await until(() => state(doc) === 'cached');
    expect(item(doc)).not.toBeNull();
    server.reply(200, refused);
    await started;
    expect(item(doc)).toBeNull();
    expect(state(doc)).toBe('ready');
  });

  it('adds the item when /me grants what the last known answer did not', async () => {
    const doc = page();
    const local = memoryArea();
    await writeLastKnownMe(local, SITE, refused);
    const server = companion();
    const started = start([jiraUserMenu], env(doc, local, server));
    await until(() => state(doc) === 'cached');
    expect(item(doc)).toBeNull();
    server.reply(200, me());
    await started;
    expect(item(doc)).not.toBeNull();
  });

  it('without a last known answer shows the item at once, as for a companion that has not answered, then remembers /me', async () => {
    const doc = page();
    const local = memoryArea();
    const server = companion();
    const started = start([jiraUserMenu], env(doc, local, server));
    await until(() => state(doc) === 'provisional');
    expect(server.paths).toEqual(['/api/v1/me']);
    expect(item(doc)).not.toBeNull();
    server.reply(200, me());
    await started;
    expect(item(doc)).not.toBeNull();
    await until(() => LAST in local.items);
    expect((await readLastKnownMe(local, SITE, 'alice'))?.username).toBe('alice');
  });

  it('takes the provisional item away when /me refuses', async () => {
    const doc = page();
    const server = companion();
    const started = start([jiraUserMenu], env(doc, memoryArea(), server));
    await until(() => state(doc) === 'provisional');
    expect(item(doc)).not.toBeNull();
    server.reply(200, refused);
    await started;
    expect(item(doc)).toBeNull();
  });

  it('keeps a feature that still applies running when /me answers, and starts the ones that now apply', async () => {
    const doc = page();
    const events: string[] = [];
    const steady: Feature = {
      name: 'steady',
      include: () => true,
      init: ({ me, signal }) => {
        events.push(`steady init ${me?.displayName ?? 'none'}`);
        signal.addEventListener('abort', () => events.push('steady aborted'));
      },
    };
    const adminOnly: Feature = {
      name: 'admin-only',
      include: ({ me }) => me?.isAdmin === true,
      init: () => void events.push('admin-only init'),
    };
    const server = companion();
    const started = start([steady, adminOnly], env(doc, memoryArea(), server));
    await until(() => state(doc) === 'provisional');
    server.reply(200, me({ isAdmin: true }));
    const outcomes = await started;
    expect(events).toEqual(['steady init none', 'admin-only init']);
    expect(outcomes.map((o) => [o.name, o.state])).toEqual([
      ['steady', 'ran'],
      ['admin-only', 'ran'],
    ]);
  });

  it('never shows another user’s last known answer', async () => {
    const local = memoryArea();
    await writeLastKnownMe(local, SITE, me({ username: 'bob' }));
    expect(await readLastKnownMe(local, SITE, 'alice')).toBeNull();
    expect(await readLastKnownMe(local, 'https://other.example.com', 'bob')).toBeNull();
  });

  it('forgets the last known answer when the companion says the person is not logged in', async () => {
    const doc = page();
    const local = memoryArea();
    await writeLastKnownMe(local, SITE, me());
    const server = companion();
    const started = start([jiraUserMenu], env(doc, local, server));
    server.reply(401, { error: { code: 'unauthorized', message: 'log in' } });
    await started;
    expect(item(doc)).toBeNull();
    await until(() => Object.keys((local.items[LAST] as { entries: object }).entries).length === 0);
    expect(await readLastKnownMe(local, SITE, 'alice')).toBeNull();
  });

  it('finds a policy site from the last policy seen without waiting for the policy', async () => {
    const doc = page();
    const local = memoryArea({ [POLICY_CACHE_KEY]: [{ siteUrl: SITE }] });
    const server = companion();
    const started = start([jiraUserMenu], env(doc, local, server, { builtinSites: [] }));
    server.reply(200, me());
    await started;
    expect(item(doc)).not.toBeNull();
  });

  it('waits for the policy on a page no faster source knows', async () => {
    const doc = page();
    const server = companion();
    const policy = memoryArea({ sites: [{ siteUrl: SITE }] });
    const started = start(
      [jiraUserMenu],
      env(doc, memoryArea(), server, { builtinSites: [], managed: policy }),
    );
    server.reply(200, me());
    await started;
    expect(item(doc)).not.toBeNull();
    const elsewhere = page();
    await start(
      [jiraUserMenu],
      env(elsewhere, memoryArea(), companion(), { builtinSites: [], managed: memoryArea() }),
    );
    expect(state(elsewhere)).toBe('not-a-site');
  });
});

const LAST = 'ata.lastKnownMe';
