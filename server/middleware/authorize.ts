import type { Context, Next } from 'koa';
import type { PermissionName } from '../../shared/permissions.ts';
import { forbidden } from '../errors.ts';
import { callerOf } from './identify.ts';

// Both run after identify(); the server decides on every request, whatever the page showed.

export function requireAdmin() {
  return async function requireAdminMiddleware(ctx: Context, next: Next) {
    if (!callerOf(ctx)?.isAdmin) throw forbidden('Only site administrators may do this.', 'admin_required');
    return next();
  };
}

const describe: Record<PermissionName, string> = {
  useTokens: 'use API tokens',
  createOwnTokens: 'create API tokens',
  createTokensForOthers: 'create API tokens for other users',
};

export function requirePermission(name: PermissionName) {
  return async function requirePermissionMiddleware(ctx: Context, next: Next) {
    if (!callerOf(ctx)?.permissions[name]) {
      throw forbidden(`You are not allowed to ${describe[name]}.`, 'permission_denied');
    }
    return next();
  };
}
