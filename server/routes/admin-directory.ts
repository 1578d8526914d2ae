import type Router from '@koa/router';
import { type GroupSearchResponse, SearchQuery, type UserSearchResponse } from '../../shared/api.ts';
import { requireAdmin } from '../middleware/authorize.ts';
import { inputOf, validate } from '../middleware/validate.ts';
import { managementRouter, type RouteDeps } from './deps.ts';

type Search = { q: string; limit: number };

// User and group pickers of the admin panel, answered by the site with the service credential.
export function adminDirectoryRouter(deps: RouteDeps): Router {
  return managementRouter(deps)
    .get('/admin/users/search', requireAdmin(), validate({ query: SearchQuery }), async (ctx) => {
      const { q, limit } = inputOf<undefined, Search>(ctx).query;
      const body: UserSearchResponse = { users: await deps.directory.searchUsers(q, limit) };
      ctx.body = body;
    })
    .get('/admin/groups/search', requireAdmin(), validate({ query: SearchQuery }), async (ctx) => {
      const { q, limit } = inputOf<undefined, Search>(ctx).query;
      const body: GroupSearchResponse = { groups: await deps.directory.searchGroups(q, limit) };
      ctx.body = body;
    });
}
