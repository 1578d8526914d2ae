import { q, type SiteClient, type SiteResponse, serviceGet } from './site-client.ts';
import type { DirectoryUser, ProductDirectory, SiteCredential, UserSummary } from './types.ts';
import { credentialHeaders } from './types.ts';

interface ConfluenceUser {
  type?: string;
  username?: string;
  userKey?: string;
  displayName?: string;
  status?: string;
}

interface Page<T> {
  results?: T[];
  size?: number;
  limit?: number;
}

type KnownUser = ConfluenceUser & { username: string; userKey: string };

// A signed-in or looked-up user; one without a key cannot own a token.
const isKnownUser = (b: unknown): b is KnownUser => {
  const u = b as ConfluenceUser | null;
  return u?.type === 'known' && typeof u.username === 'string' && typeof u.userKey === 'string';
};

const PAGE = 200;
// Enough for any real group list while bounding the work one request can cause.
const MAX_PAGES = 25;

export interface ConfluenceDirectoryOptions {
  site: SiteClient;
  serviceAuth: string | undefined;
  adminGroups: string[];
}

// Confluence: /rest/api/user/current + /rest/api/user/memberof; admin = membership of an admin group
// (confluence-administrators by default). Data Center has no documented user search, so the
// search endpoint is feature-detected and the members of confluence-users are the fallback.
export function confluenceDirectory(options: ConfluenceDirectoryOptions): ProductDirectory {
  const { site } = options;
  const asService = serviceGet(site, options.serviceAuth);
  const adminGroups = new Set(options.adminGroups.map((g) => g.toLowerCase()));

  // Pages through a Confluence list resource with the given getter (caller's or service credential).
  async function allPages<T>(get: (path: string) => Promise<SiteResponse>, path: string): Promise<T[]> {
    const out: T[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const res = await get(`${path}${sep}start=${page * PAGE}&limit=${PAGE}`);
      if (res.status !== 200) break;
      const results = (res.body as Page<T> | null)?.results ?? [];
      out.push(...results);
      if (results.length < PAGE) break;
    }
    return out;
  }

  // Groups asked by key, so they are the groups of the user the answer was about even if a rename
  // happened in between.
  const groupsOf = async (userKey: string, get: (path: string) => Promise<SiteResponse>) =>
    (await allPages<{ name?: string }>(get, `/rest/api/user/memberof?key=${q(userKey)}`))
      .map((g) => g.name)
      .filter((n): n is string => typeof n === 'string');

  const toUser = (u: KnownUser, groups: string[]): DirectoryUser => ({
    username: u.username,
    key: u.userKey,
    displayName: u.displayName ?? u.username,
    // expand=status gives "Active" or "Deactivated"; a site that omits it only has active users log in.
    active: u.status?.toLowerCase() !== 'deactivated',
    groups,
    isAdmin: groups.some((g) => adminGroups.has(g.toLowerCase())),
  });

  let hasUserSearch = true;
  const allGroups = () => allPages<{ name?: string }>(asService, '/rest/api/group');

  // By name or by key, with the service credential.
  async function lookup(query: string): Promise<DirectoryUser | null> {
    const res = await asService(`/rest/api/user?${query}&expand=status`);
    if (res.status !== 200 || !isKnownUser(res.body)) return null;
    return toUser(res.body, await groupsOf(res.body.userKey, asService));
  }

  return {
    product: 'confluence',
    async whoAmI(credential: SiteCredential) {
      const headers = credentialHeaders(credential);
      const me = await site.get('/rest/api/user/current?expand=status', headers);
      if (me.status !== 200 || !isKnownUser(me.body)) return null;
      const asCaller = (path: string) => site.get(path, headers);
      return toUser(me.body, await groupsOf(me.body.userKey, asCaller));
    },
    lookupUser: (username) => lookup(`username=${q(username)}`),
    lookupUserByKey: (key) => lookup(`key=${q(key)}`),
    async searchUsers(query, limit): Promise<UserSummary[]> {
      const cql = `user.fullname~"${query.replace(/["\\]/g, '')}"`;
      const res = hasUserSearch
        ? await asService(`/rest/api/search/user?cql=${q(cql)}&limit=${limit}`)
        : undefined;
      // Data Center answers 404: remember that, and list members of confluence-users instead.
      if (res?.status === 404) hasUserSearch = false;
      if (res?.status === 200) {
        const results = (res.body as Page<{ user?: ConfluenceUser }> | null)?.results ?? [];
        return results
          .map((r) => r.user)
          .filter((u): u is ConfluenceUser & { username: string } => typeof u?.username === 'string')
          .map((u) => ({ username: u.username, displayName: u.displayName ?? u.username, active: true }));
      }
      const needle = query.toLowerCase();
      const members = await allPages<ConfluenceUser>(asService, '/rest/api/group/confluence-users/member');
      return members
        .filter((u): u is ConfluenceUser & { username: string } => typeof u.username === 'string')
        .filter((u) => `${u.username} ${u.displayName ?? ''}`.toLowerCase().includes(needle))
        .slice(0, limit)
        .map((u) => ({ username: u.username, displayName: u.displayName ?? u.username, active: true }));
    },
    async searchGroups(query, limit) {
      const needle = query.toLowerCase();
      return (await allGroups())
        .map((g) => g.name)
        .filter((n): n is string => typeof n === 'string' && n.toLowerCase().includes(needle))
        .slice(0, limit);
    },
    async groupExists(name) {
      return (await allGroups()).some((g) => g.name?.toLowerCase() === name.toLowerCase());
    },
    async ping() {
      await site.get('/rest/api/user/current');
    },
  };
}
