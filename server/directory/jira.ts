import { q, type SiteClient, serviceGet } from './site-client.ts';
import type { DirectoryUser, ProductDirectory, SiteCredential, UserSummary } from './types.ts';
import { credentialHeaders } from './types.ts';

interface JiraUser {
  name: string;
  key: string;
  displayName?: string;
  active?: boolean;
  deleted?: boolean;
  groups?: { items?: { name: string }[] };
}

// Every Jira Server/DC user bean carries both; one without a key cannot own a token.
const isJiraUser = (b: unknown): b is JiraUser =>
  typeof (b as JiraUser | null)?.name === 'string' && typeof (b as JiraUser | null)?.key === 'string';

function toUser(u: JiraUser, isAdmin: boolean): DirectoryUser {
  return {
    username: u.name,
    key: u.key,
    displayName: u.displayName ?? u.name,
    active: u.active !== false,
    groups: (u.groups?.items ?? []).map((g) => g.name),
    isAdmin,
  };
}

export interface JiraDirectoryOptions {
  site: SiteClient;
  serviceAuth: string | undefined;
  adminGroups: string[];
}

// Jira: /rest/api/2/myself?expand=groups for the caller, /mypermissions for their admin status
// (ADMINISTER or SYSTEM_ADMIN; group names are not relied on for the caller).
export function jiraDirectory(options: JiraDirectoryOptions): ProductDirectory {
  const { site } = options;
  const asService = serviceGet(site, options.serviceAuth);
  const adminGroups = new Set(options.adminGroups.map((g) => g.toLowerCase()));

  // By name or by key, with the service credential: admin status from the admin groups, since
  // /mypermissions answers only for the caller. A bean marked deleted is no user at all.
  async function lookup(query: string): Promise<DirectoryUser | null> {
    const res = await asService(`/rest/api/2/user?${query}&expand=groups`);
    if (res.status !== 200 || !isJiraUser(res.body) || res.body.deleted === true) return null;
    const user = toUser(res.body, false);
    user.isAdmin = user.groups.some((g) => adminGroups.has(g.toLowerCase()));
    return user;
  }

  return {
    product: 'jira',
    async whoAmI(credential: SiteCredential) {
      const headers = credentialHeaders(credential);
      const myself = () => site.get('/rest/api/2/myself?expand=groups', headers);
      const permissions = () =>
        site.get('/rest/api/2/mypermissions?permissions=ADMINISTER,SYSTEM_ADMIN', headers);
      // Both at once, except with a password: a wrong one would count as two failed logins.
      const password = /^basic\s/i.test(credential.authorization ?? '');
      const [me, perms] = password
        ? [await myself(), undefined]
        : await Promise.all([myself(), permissions()]);
      if (me.status !== 200 || !isJiraUser(me.body)) return null;
      const permsAnswer = perms ?? (await permissions());
      const granted = (
        permsAnswer.body as { permissions?: Record<string, { havePermission?: boolean }> } | null
      )?.permissions;
      const isAdmin = Boolean(granted?.ADMINISTER?.havePermission || granted?.SYSTEM_ADMIN?.havePermission);
      return toUser(me.body, isAdmin);
    },
    lookupUser: (username) => lookup(`username=${q(username)}`),
    lookupUserByKey: (key) => lookup(`key=${q(key)}`),
    async searchUsers(query, limit): Promise<UserSummary[]> {
      const res = await asService(
        `/rest/api/2/user/search?username=${q(query)}&maxResults=${limit}&includeActive=true&includeInactive=false`,
      );
      const list = Array.isArray(res.body) ? res.body.filter(isJiraUser) : [];
      return list.map((u) => ({
        username: u.name,
        displayName: u.displayName ?? u.name,
        active: u.active !== false,
      }));
    },
    async searchGroups(query, limit) {
      const res = await asService(`/rest/api/2/groups/picker?query=${q(query)}&maxResults=${limit}`);
      const groups = (res.body as { groups?: { name?: unknown }[] } | null)?.groups ?? [];
      return groups.map((g) => g.name).filter((n): n is string => typeof n === 'string');
    },
    async groupExists(name) {
      const res = await asService(`/rest/api/2/groups/picker?query=${q(name)}&maxResults=100`);
      const groups = (res.body as { groups?: { name?: unknown }[] } | null)?.groups ?? [];
      return groups.some((g) => typeof g.name === 'string' && g.name.toLowerCase() === name.toLowerCase());
    },
    async ping() {
      await site.get('/rest/api/2/serverInfo');
    },
  };
}
