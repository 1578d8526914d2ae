import type { SimContext, Site } from '../site.ts';
import { baseUrl } from '../site.ts';
import type { SimUser } from '../users.ts';

// Confluence's REST representations (`/rest/api`), as Confluence 7.19–8.5 Data Center answer.
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

export function confluenceError(status: number, message: string) {
  return {
    statusCode: status,
    data: {
      authorized: status !== 401 && status !== 403,
      valid: true,
      allowedInReadOnlyMode: true,
      errors: [],
      successful: false,
    },
    message,
    reason: REASONS[status] ?? 'Error',
  };
}

export function links(ctx: SimContext, site: Site, self?: string) {
  const base = baseUrl(ctx, site);
  return { base, context: site.contextPath, ...(self ? { self: `${base}${self}` } : {}) };
}

function picture(site: Site, file: string) {
  return {
    path: `${site.contextPath}/images/icons/profilepics/${file}`,
    width: 48,
    height: 48,
    isDefault: true,
  };
}

export function knownUser(ctx: SimContext, site: Site, user: SimUser, expand: string[] = []) {
  return {
    type: 'known',
    username: user.name,
    userKey: user.confluenceKey,
    profilePicture: picture(site, 'default.svg'),
    displayName: user.displayName,
    ...(expand.includes('status') ? { status: user.active ? 'Active' : 'Deactivated' } : {}),
    _links: links(ctx, site, `/rest/api/user?key=${user.confluenceKey}`),
    _expandable: expand.includes('status') ? {} : { status: '' },
  };
}

export function anonymousUser(ctx: SimContext, site: Site) {
  return {
    type: 'anonymous',
    profilePicture: picture(site, 'anonymous.svg'),
    displayName: 'Anonymous',
    _links: links(ctx, site),
    _expandable: { operations: '' },
  };
}

export function groupJson(ctx: SimContext, site: Site, name: string) {
  return {
    type: 'group',
    name,
    _links: { self: `${baseUrl(ctx, site)}/rest/api/group/${encodeURIComponent(name)}` },
  };
}

/** A page of results: `{results, start, limit, size, _links}`. */
export function pageOf<T>(ctx: SimContext, site: Site, all: T[], start: number, limit: number) {
  const results = all.slice(start, start + limit);
  const self = ctx.querystring ? `${ctx.path}?${ctx.querystring}` : ctx.path;
  return {
    results,
    start,
    limit,
    size: results.length,
    _links: {
      ...links(ctx, site, self),
      ...(start + limit < all.length ? { next: `${ctx.path}?start=${start + limit}&limit=${limit}` } : {}),
    },
  };
}
