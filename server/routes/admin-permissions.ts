import { Permissions, PutPermissionsResponse } from '../../shared/api.ts';
import { auditContextOf } from '../middleware/identify.ts';
import { type Route, route } from './table.ts';

export const adminPermissionRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/v1/admin/permissions',
    guard: 'admin',
    tag: 'Administration',
    summary: 'The three token permissions',
    output: { status: 200, schema: Permissions, description: 'The permissions document' },
    handler: ({ deps }) => deps.permissions.get(),
  }),
  route({
    method: 'put',
    path: '/api/v1/admin/permissions',
    guard: 'admin',
    tag: 'Administration',
    summary: 'Replace the permissions; warnings never block the save',
    input: { body: Permissions },
    output: { status: 200, schema: PutPermissionsResponse, description: 'Saved, with warnings' },
    handler: ({ deps, ctx, body }) => deps.permissions.update(body, auditContextOf(ctx)),
  }),
];
