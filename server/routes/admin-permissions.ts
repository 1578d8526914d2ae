import type Router from '@koa/router';
import { Permissions, type PutPermissionsResponse } from '../../shared/api.ts';
import {
  documentWarnings,
  groupsOf,
  PERMISSION_NAMES,
  type PermissionsDocument,
  type PermissionWarning,
} from '../../shared/permissions.ts';
import type { Directory } from '../directory/index.ts';
import { requireAdmin } from '../middleware/authorize.ts';
import { auditContextOf } from '../middleware/identify.ts';
import { inputOf, validate } from '../middleware/validate.ts';
import { managementRouter, type RouteDeps } from './deps.ts';

// Unknown groups need the site, so this warning is added here; the others are pure (shared/).
async function unknownGroupWarnings(
  directory: Directory,
  doc: PermissionsDocument,
): Promise<PermissionWarning[]> {
  const warnings: PermissionWarning[] = [];
  for (const group of groupsOf(doc)) {
    if (await directory.groupExists(group)) continue;
    for (const permission of PERMISSION_NAMES) {
      if (!doc[permission].groups.some((g) => g.toLowerCase() === group.toLowerCase())) continue;
      warnings.push({
        code: 'unknown_group',
        permission,
        message: `The group "${group}" does not exist on the site.`,
      });
    }
  }
  return warnings;
}

export function adminPermissionsRouter(deps: RouteDeps): Router {
  return managementRouter(deps)
    .get('/admin/permissions', requireAdmin(), async (ctx) => {
      ctx.body = await deps.permissions.get();
    })
    .put('/admin/permissions', requireAdmin(), validate({ body: Permissions }), async (ctx) => {
      const doc = inputOf<PermissionsDocument>(ctx).body;
      // Warnings never block the save; the site is asked first so a site outage changes nothing.
      const warnings = [...documentWarnings(doc), ...(await unknownGroupWarnings(deps.directory, doc))];
      const permissions = await deps.permissions.update(doc, auditContextOf(ctx));
      const body: PutPermissionsResponse = { permissions, warnings };
      ctx.body = body;
    });
}
