import type Router from '@koa/router';
import { endSession, passwordLogin } from '../form-login.ts';
import { boolParam, intParam, json, listParam, strParam } from '../rest-util.ts';
import type { RequestIdentity, SimContext, Site } from '../site.ts';
import { baseUrl, originOf, sitePath } from '../site.ts';
import type { SimUser } from '../users.ts';
import { jiraDate, jiraError, jiraUser, jiraUserSummary, NOT_AUTHENTICATED, permissions } from './json.ts';

// Jira's identity REST resources that the companion calls, with Jira's shapes and error bodies.
function requireUser(ctx: SimContext): SimUser | null {
  if (!ctx.state.user) json(ctx, 401, jiraError(NOT_AUTHENTICATED));
  return ctx.state.user;
}

function loginInfo(site: Site, user: SimUser) {
  return {
    failedLoginCount: site.state.failedLoginCount(user.name),
    loginCount: user.logins.count,
    ...(user.logins.previous ? { previousLoginTime: jiraDate(user.logins.previous) } : {}),
  };
}

export function registerJiraRest(router: Router<RequestIdentity>, site: Site): void {
  const { directory } = site.state;
  const isAdmin = (user: SimUser | null) => user !== null && directory.isAdmin(user);

  router.get('/rest/auth/1/session', (ctx) => {
    const user = requireUser(ctx);
    if (user)
      json(ctx, 200, {
        self: `${baseUrl(ctx, site)}/rest/api/latest/user?username=${user.name}`,
        name: user.name,
        loginInfo: loginInfo(site, user),
      });
  });
  router.post('/rest/auth/1/session', (ctx) => {
    const body = (ctx.request.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof body.username !== 'string' || typeof body.password !== 'string') {
      return json(ctx, 400, jiraError('Invalid request: username and password are required.'));
    }
    const result = passwordLogin(ctx, site, body.username, body.password);
    if (result.ok) {
      return json(ctx, 200, {
        session: { name: 'JSESSIONID', value: result.session.id },
        loginInfo: loginInfo(site, result.user),
      });
    }
    if (result.reason === 'AUTHENTICATION_DENIED') {
      ctx.set(
        'X-Authentication-Denied-Reason',
        `CAPTCHA_CHALLENGE; login-url=${originOf(ctx)}${sitePath(site, '/login.jsp')}`,
      );
      return json(ctx, 403, jiraError('Login denied'));
    }
    json(ctx, 401, jiraError('Login failed'));
  });
  router.delete('/rest/auth/1/session', (ctx) => {
    if (!requireUser(ctx)) return;
    endSession(ctx, site);
    ctx.status = 204;
  });

  router.get('/rest/api/2/myself', (ctx) => {
    const user = requireUser(ctx);
    if (user) json(ctx, 200, jiraUser(site, baseUrl(ctx, site), user, listParam(ctx, 'expand')));
  });
  router.get('/rest/api/2/user', (ctx) => {
    if (!requireUser(ctx)) return;
    const username = strParam(ctx, 'username');
    const key = strParam(ctx, 'key');
    const user = username ? directory.get(username) : key ? directory.byJiraKey(key) : undefined;
    if (!user) {
      const what = username ? `user named '${username}'` : `user with key '${key ?? 'null'}'`;
      return json(ctx, 404, jiraError(`The ${what} does not exist`));
    }
    json(ctx, 200, jiraUser(site, baseUrl(ctx, site), user, listParam(ctx, 'expand')));
  });
  router.get('/rest/api/2/user/search', (ctx) => {
    if (!requireUser(ctx)) return;
    const query = (strParam(ctx, 'username') ?? '').toLowerCase();
    if (!query) return json(ctx, 400, jiraError('The username query parameter was not provided'));
    const includeActive = boolParam(ctx, 'includeActive', true);
    const includeInactive = boolParam(ctx, 'includeInactive', false);
    const found = [...directory.users.values()]
      .filter((u) => (u.active ? includeActive : includeInactive))
      // Jira matches the start of the user name, of any word of the display name, or of the email address.
      .filter((u) =>
        [u.name, u.email, ...u.displayName.split(/\s+/)].some((s) => s.toLowerCase().startsWith(query)),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    const start = intParam(ctx, 'startAt', 0);
    const max = intParam(ctx, 'maxResults', 50, 100);
    json(
      ctx,
      200,
      found.slice(start, start + max).map((u) => jiraUserSummary(baseUrl(ctx, site), u)),
    );
  });
  router.get('/rest/api/2/mypermissions', (ctx) => {
    json(ctx, 200, permissions(ctx.state.user, isAdmin(ctx.state.user)));
  });
  router.get('/rest/api/2/groups/picker', (ctx) => {
    const query = (strParam(ctx, 'query') ?? '').toLowerCase();
    const exclude = new Set(listParam(ctx, 'exclude'));
    const matching = [...directory.groups]
      .filter((g) => g.toLowerCase().includes(query) && !exclude.has(g))
      .sort();
    const shown = matching.slice(0, intParam(ctx, 'maxResults', 20));
    const bold = (name: string) => {
      const at = query ? name.toLowerCase().indexOf(query) : -1;
      return at < 0
        ? name
        : `${name.slice(0, at)}<b>${name.slice(at, at + query.length)}</b>${name.slice(at + query.length)}`;
    };
    json(ctx, 200, {
      header: `Showing ${shown.length} of ${matching.length} matching groups`,
      total: matching.length,
      groups: shown.map((name) => ({ name, html: bold(name), labels: [] })),
    });
  });
  router.get('/rest/api/2/group/member', (ctx) => {
    const user = requireUser(ctx);
    if (!user) return;
    if (!isAdmin(user))
      return json(ctx, 403, jiraError('You are not authorized to perform this operation. Please log in.'));
    const group = strParam(ctx, 'groupname') ?? '';
    if (!directory.groups.has(group))
      return json(ctx, 404, jiraError(`Group with name '${group}' does not exist.`));
    const includeInactive = boolParam(ctx, 'includeInactiveUsers', false);
    const members = directory
      .members(group)
      .filter((u) => u.active || includeInactive)
      .sort((a, b) => a.name.localeCompare(b.name));
    const startAt = intParam(ctx, 'startAt', 0);
    const maxResults = intParam(ctx, 'maxResults', 50, 50);
    const base = baseUrl(ctx, site);
    json(ctx, 200, {
      self: `${base}/rest/api/2/group/member?includeInactiveUsers=${includeInactive}&maxResults=${maxResults}&groupname=${encodeURIComponent(group)}&startAt=${startAt}`,
      maxResults,
      startAt,
      total: members.length,
      isLast: startAt + maxResults >= members.length,
      values: members.slice(startAt, startAt + maxResults).map((u) => jiraUserSummary(base, u)),
    });
  });
  router.get('/rest/api/2/serverInfo', (ctx) => {
    const f = site.flavour;
    json(ctx, 200, {
      baseUrl: baseUrl(ctx, site),
      version: f.version,
      versionNumbers: f.versionNumbers,
      deploymentType: 'Server',
      buildNumber: Number(f.buildNumber),
      buildDate: '2024-11-20T00:00:00.000+0000',
      serverTime: jiraDate(new Date()),
      scmInfo: 'simulated',
      serverTitle: 'Jira',
    });
  });
}
