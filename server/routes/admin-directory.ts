import { GroupSearchResponse, SearchQuery, UserSearchResponse } from '../../shared/api.ts';
import { type Route, route } from './table.ts';

// User and group pickers of the admin panel, answered by the site with the service credential.
export const adminDirectoryRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/v1/admin/users/search',
    guard: 'admin',
    tag: 'Administration',
    summary: 'Find site users (for pickers)',
    input: { query: SearchQuery },
    output: { status: 200, schema: UserSearchResponse, description: 'Matching users' },
    async handler({ deps, query }) {
      return { users: await deps.directory.searchUsers(query.q, query.limit) };
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/admin/groups/search',
    guard: 'admin',
    tag: 'Administration',
    summary: 'Find site groups (for pickers)',
    input: { query: SearchQuery },
    output: { status: 200, schema: GroupSearchResponse, description: 'Matching groups' },
    async handler({ deps, query }) {
      return { groups: await deps.directory.searchGroups(query.q, query.limit) };
    },
  }),
];
