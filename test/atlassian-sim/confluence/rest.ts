import type Router from '@koa/router';
import { intParam, json, listParam, strParam } from '../rest-util.ts';
import type { RequestIdentity, SimContext, Site } from '../site.ts';
import { baseUrl } from '../site.ts';
import type { SimUser } from '../users.ts';
import type { SimPage } from './content.ts';
import { anonymousUser, confluenceError, groupJson, knownUser, links, pageOf } from './json.ts';

// Confluence's REST resources the companion and the tests call, with Confluence's shapes and error bodies.
function requireUser(ctx: SimContext): SimUser | null {
  if (!ctx.state.user) json(ctx, 401, confluenceError(401, 'This resource requires an authenticated user.'));
  return ctx.state.user;
}

function contentJson(ctx: SimContext, site: Site, page: SimPage) {
  const author = site.state.directory.get(page.author);
  const by = author ? knownUser(ctx, site, author) : anonymousUser(ctx, site);
  const self = `/rest/api/content/${page.id}`;
  return {
    id: page.id,
    type: 'page',
    status: 'current',
    title: page.title,
    space: {
      id: 98305,
      key: page.space,
      name: 'Demo',
      type: 'global',
      status: 'current',
      _expandable: {
        settings: '',
        metadata: '',
        operations: '',
        lookAndFeel: '',
        identifiers: '',
        permissions: '',
        icon: '',
        description: '',
        theme: '',
        history: '',
        homepage: '/rest/api/content/65601',
      },
      _links: { webui: `/display/${page.space}`, self: `${baseUrl(ctx, site)}/rest/api/space/${page.space}` },
    },
    history: {
      latest: true,
      createdBy: by,
      createdDate: page.created.toISOString(),
      _links: { self: `${baseUrl(ctx, site)}${self}/history` },
    },
    version: {
      by,
      when: page.created.toISOString(),
      message: '',
      number: page.version,
      minorEdit: false,
      hidden: false,
      _links: { self: `${baseUrl(ctx, site)}/rest/experimental/content/${page.id}/version/${page.version}` },
    },
    extensions: { position: 'none' },
    _links: {
      webui: `/display/${page.space}/${encodeURIComponent(page.title)}`,
      edit: `/pages/resumedraft.action?draftId=${page.id}`,
      tinyui: `/x/${page.id}`,
      collection: '/rest/api/content',
      ...links(ctx, site, self),
    },
    _expandable: {
      metadata: '',
      operations: '',
      children: `${self}/child`,
      restrictions: `${self}/restriction/byOperation`,
      ancestors: '',
      body: '',
      descendants: `${self}/descendant`,
    },
    _sim: { user: ctx.state.user?.name ?? null, authMethod: ctx.state.authMethod },
  };
}

export function registerConfluenceRest(
  router: Router<RequestIdentity>,
  site: Site,
  pages: Map<string, SimPage>,
): void {
  const { directory } = site.state;
  router.get('/rest/api/user/current', (ctx) => {
    const user = ctx.state.user;
    json(ctx, 200, user ? knownUser(ctx, site, user, listParam(ctx, 'expand')) : anonymousUser(ctx, site));
  });
  const findUser = (ctx: SimContext): SimUser | null => {
    const username = strParam(ctx, 'username');
    const key = strParam(ctx, 'key');
    if (!username && !key) {
      json(ctx, 400, confluenceError(400, 'A username or key must be specified'));
      return null;
    }
    const user = username ? directory.get(username) : directory.byConfluenceKey(key ?? '');
    if (!user)
      json(
        ctx,
        404,
        confluenceError(404, `No user found with ${username ? `username: ${username}` : `key: ${key}`}`),
      );
    return user ?? null;
  };
  router.get('/rest/api/user', (ctx) => {
    if (!requireUser(ctx)) return;
    const user = findUser(ctx);
    if (user) json(ctx, 200, knownUser(ctx, site, user, listParam(ctx, 'expand')));
  });
  router.get('/rest/api/user/memberof', (ctx) => {
    if (!requireUser(ctx)) return;
    const user = findUser(ctx);
    if (!user) return;
    const groups = directory.sortedGroups(user).map((g) => groupJson(ctx, site, g));
    json(ctx, 200, pageOf(ctx, site, groups, intParam(ctx, 'start', 0), intParam(ctx, 'limit', 200, 1000)));
  });
  router.get('/rest/api/group', (ctx) => {
    if (!requireUser(ctx)) return;
    const groups = [...directory.groups].sort().map((g) => groupJson(ctx, site, g));
    json(ctx, 200, pageOf(ctx, site, groups, intParam(ctx, 'start', 0), intParam(ctx, 'limit', 200, 1000)));
  });
  router.get('/rest/api/group/:name', (ctx) => {
    if (!requireUser(ctx)) return;
    const name = String(ctx.params.name);
    if (!directory.groups.has(name))
      return json(ctx, 404, confluenceError(404, `No group found with name: ${name}`));
    json(ctx, 200, groupJson(ctx, site, name));
  });
  router.get('/rest/api/group/:name/member', (ctx) => {
    if (!requireUser(ctx)) return;
    const name = String(ctx.params.name);
    if (!directory.groups.has(name))
      return json(ctx, 404, confluenceError(404, `No group found with name: ${name}`));
    const members = directory
      .members(name)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((u) => knownUser(ctx, site, u));
    json(ctx, 200, pageOf(ctx, site, members, intParam(ctx, 'start', 0), intParam(ctx, 'limit', 200, 1000)));
  });
  // No /rest/api/search/user: it is Cloud only. Data Center's /rest/api/search resource has no /user
  // sub-resource, so the request falls through to Jersey's 404 (see not-found.ts).

  const findPage = (ctx: SimContext): SimPage | null => {
    if (!requireUser(ctx)) return null;
    const page = pages.get(String(ctx.params.id));
    if (!page)
      json(ctx, 404, confluenceError(404, `No content found with id: ContentId{id=${ctx.params.id}}`));
    return page ?? null;
  };
  router.get('/rest/api/content/:id', (ctx) => {
    const page = findPage(ctx);
    if (page) json(ctx, 200, contentJson(ctx, site, page));
  });
  router.put('/rest/api/content/:id', (ctx) => {
    const page = findPage(ctx);
    if (!page) return;
    const body = (ctx.request.body ?? {}) as { title?: unknown; version?: { number?: unknown } };
    if (typeof body.title !== 'string' || typeof body.version?.number !== 'number') {
      return json(ctx, 400, confluenceError(400, 'Title and version number are required to update content'));
    }
    if (body.version.number !== page.version + 1) {
      return json(ctx, 409, {
        ...confluenceError(409, `Version must be incremented on update. Current version is: ${page.version}`),
        reason: 'Conflict',
      });
    }
    page.title = body.title;
    page.version = body.version.number;
    json(ctx, 200, contentJson(ctx, site, page));
  });
}
