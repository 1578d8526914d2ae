import { describe, expect, it } from 'vitest';
import {
  defaultCompanionUrl,
  normaliseSiteUrl,
  originPattern,
  pageBelongsToSite,
  parseSiteList,
  siteMatchPattern,
} from '../../../extension/storage/site-url.ts';
import {
  type Area,
  cachedPolicy,
  parseStoredSites,
  policyWithCache,
  readAllSites,
  siteForPage,
  writeUserSites,
} from '../../../extension/storage/sites.ts';

function memoryArea(initial: Record<string, unknown> = {}): Area & { items: Record<string, unknown> } {
  const items = { ...initial };
  return {
    items,
    get: async (key) => (key in items ? { [key]: items[key] } : {}),
    set: async (values) => void Object.assign(items, values),
  };
}

describe('site URLs', () => {
  it('normalises a base URL to origin + context path without a trailing slash', () => {
    expect(normaliseSiteUrl(' https://wiki.example.com/confluence/ ')).toBe(
      'https://wiki.example.com/confluence',
    );
    expect(normaliseSiteUrl('http://127.0.0.1:8080/jira?x=1#y')).toBe('http://127.0.0.1:8080/jira');
    expect(normaliseSiteUrl('ftp://example.com')).toBeNull();
    expect(normaliseSiteUrl('https://user:pw@example.com')).toBeNull();
    expect(normaliseSiteUrl('not a url')).toBeNull();
  });

  it('builds match patterns without the port (Firefox refuses ports; pages are narrowed at run time)', () => {
    expect(siteMatchPattern('http://localhost:8080/jira')).toBe('http://localhost/jira/*');
    expect(siteMatchPattern('https://jira.example.com')).toBe('https://jira.example.com/*');
    expect(originPattern('https://wiki.example.com/confluence')).toBe('https://wiki.example.com/*');
  });

  it('tells which pages belong to a site, on path-segment boundaries and the exact port', () => {
    expect(pageBelongsToSite('http://h:1/jira/browse/X-1', 'http://h:1/jira')).toBe(true);
    expect(pageBelongsToSite('http://h:1/jira', 'http://h:1/jira')).toBe(true);
    expect(pageBelongsToSite('http://h:1/jirafake/x', 'http://h:1/jira')).toBe(false);
    expect(pageBelongsToSite('http://h:2/jira/x', 'http://h:1/jira')).toBe(false);
    expect(pageBelongsToSite('http://h:1/anything', 'http://h:1')).toBe(true);
  });

  it('puts the companion under the site’s context path by default, where the session cookie reaches', () => {
    expect(defaultCompanionUrl('https://wiki.example.com/confluence')).toBe(
      'https://wiki.example.com/confluence/api-token-auth',
    );
  });

  it('parses the build-time list and names a bad entry', () => {
    expect(parseSiteList('https://jira.example.com, https://wiki.example.com/confluence/')).toEqual([
      'https://jira.example.com',
      'https://wiki.example.com/confluence',
    ]);
    expect(parseSiteList(undefined)).toEqual([]);
    expect(() => parseSiteList('https://ok.example.com,nope')).toThrow(/"nope"/);
  });
});

describe('site storage', () => {
  it('drops invalid entries and unknown versions instead of failing', () => {
    expect(parseStoredSites(undefined)).toEqual([]);
    expect(parseStoredSites({ version: 99, sites: [] })).toEqual([]);
    expect(
      parseStoredSites({ version: 1, sites: [{ siteUrl: 'https://a.example.com/' }, { siteUrl: 42 }, null] }),
    ).toEqual([
      {
        siteUrl: 'https://a.example.com',
        companionUrl: 'https://a.example.com/api-token-auth',
        source: 'user',
      },
    ]);
  });

  it('round-trips the person’s list and merges built-in, policy and own sites, earlier sources winning', async () => {
    const local = memoryArea();
    await writeUserSites(local, [
      { siteUrl: 'https://jira.example.com', companionUrl: 'https://other.example.com/ata', source: 'user' },
      {
        siteUrl: 'https://mine.example.com/jira',
        companionUrl: 'https://mine.example.com/api-token-auth',
        source: 'user',
      },
    ]);
    const managed = memoryArea({
      sites: [{ siteUrl: 'https://wiki.example.com/confluence' }, { bad: true }],
    });
    const sites = await readAllSites(['https://jira.example.com'], local, managed);
    expect(sites.map((s) => [s.siteUrl, s.source])).toEqual([
      ['https://jira.example.com', 'builtin'],
      ['https://wiki.example.com/confluence', 'managed'],
      ['https://mine.example.com/jira', 'user'],
    ]);
    expect(siteForPage(sites, 'https://wiki.example.com/confluence/display/X')?.source).toBe('managed');
    expect(siteForPage(sites, 'https://wiki.example.com/other')).toBeNull();
  });

  it('reads no policy sites when the browser has no managed storage', async () => {
    const failing: Area = { get: () => Promise.reject(new Error('Managed storage manifest not found')) };
    expect(await readAllSites([], memoryArea(), failing)).toEqual([]);
  });

  it('keeps a copy of the policy in local storage for the content script, written only when it changed', async () => {
    const local = memoryArea();
    const managed = memoryArea({ sites: [{ siteUrl: 'https://wiki.example.com/confluence/' }] });
    let writes = 0;
    const counting: Area = {
      get: local.get,
      set: async (values) => {
        writes++;
        await local.set?.(values);
      },
    };
    const policy = policyWithCache(managed, counting);
    expect((await readAllSites([], local, policy)).map((s) => s.siteUrl)).toEqual([
      'https://wiki.example.com/confluence',
    ]);
    await readAllSites([], local, policy);
    expect(writes).toBe(1);
    const fromCopy = await readAllSites([], local, cachedPolicy(local));
    expect(fromCopy.map((s) => [s.siteUrl, s.source])).toEqual([
      ['https://wiki.example.com/confluence', 'managed'],
    ]);
    managed.items.sites = [];
    await readAllSites([], local, policy);
    expect(await readAllSites([], local, cachedPolicy(local))).toEqual([]);
  });
});
