import { q, type SiteClient, serviceCredentialRefused } from './site-client.ts';
import type { DirectoryUser, ProductDirectory, SiteCredential, UserSummary } from './types.ts';
import { credentialHeaders } from './types.ts';

interface ConfluenceUser {
  type?: string;
  username?: string;
  displayName?: string;
  status?: string;
}

interface Page<T> {
  results?: T[];
  size?: number;
  limit?: number;
}

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
  const service = (): Record<string, string> =>
    options.serviceAuth ? { Authorization: options.serviceAuth } : {};
  const asService = async (path: string) => {
    const res = await site.get(path, service());
    if (res.status === 401 || res.status === 403) throw serviceCredentialRefused(res.status);
    return res;
  };
  const adminGroups = new Set(options.adminGroups.map((g) => g.toLowerCase()));

  async function allPages<T>(path: string, headers: Record<string, string>): Promise<T[]> {
    const out: T[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const res = await site.get(`${path}${sep}start=${page * PAGE}&limit=${PAGE}`, headers);
      if (res.status === 401 || res.status === 403) throw serviceCredentialRefused(res.status);
      if (res.status !== 200) break;
      const results = (res.body as Page<T> | null)?.results ?? [];
      out.push(...results);
      if (results.length < PAGE) break;
    }
    return out;
  }

  const groupsOf = async (username: string, headers: Record<string, string>) =>
    (await allPages<{ name?: string }>(`/rest/api/user/memberof?username=${q(username)}`, headers))
      .map((g) => g.name)
      .filter((n): n is string => typeof n === 'string');

  const toUser = (u: ConfluenceUser & { username: string }, groups: string[]): DirectoryUser => ({
    username: u.username,
    displayName: u.displayName ?? u.username,
    // expand=status gives "Active" or "Deactivated"; a site that omits it only has active users log in.
    active: u.status?.toLowerCase() !== 'deactivated',
    groups,
    isAdmin: groups.some((g) => adminGroups.has(g.toLowerCase())),
  });

  const allGroups = () => allPages<{ name?: string }>('/rest/api/group', service());

  return {
    product: 'confluence',
    async whoAmI(credential: SiteCredential) {
      const headers = credentialHeaders(credential);
      const me = await site.get('/rest/api/user/current?expand=status', headers);
      const body = me.body as ConfluenceUser | null;
      if (me.status !== 200 || body?.type !== 'known' || typeof body.username !== 'string') return null;
      return toUser({ ...body, username: body.username }, await groupsOf(body.username, headers));
    },
    async lookupUser(username) {
      const res = await asService(`/rest/api/user?username=${q(username)}&expand=status`);
      const body = res.body as ConfluenceUser | null;
      if (res.status !== 200 || typeof body?.username !== 'string') return null;
      return toUser({ ...body, username: body.username }, await groupsOf(body.username, service()));
    },
    async searchUsers(query, limit): Promise<UserSummary[]> {
      const cql = `user.fullname~"${query.replace(/["\\]/g, '')}"`;
      const res = await asService(`/rest/api/search/user?cql=${q(cql)}&limit=${limit}`);
      if (res.status === 200) {
        const results = (res.body as Page<{ user?: ConfluenceUser }> | null)?.results ?? [];
        return results
          .map((r) => r.user)
          .filter((u): u is ConfluenceUser & { username: string } => typeof u?.username === 'string')
          .map((u) => ({ username: u.username, displayName: u.displayName ?? u.username, active: true }));
      }
      const needle = query.toLowerCase();
      const members = await allPages<ConfluenceUser>('/rest/api/group/confluence-users/member', service());
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
