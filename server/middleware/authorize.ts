import type { Context, Next } from 'koa';
import { createValidateAccess } from '../authz/validate-access.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { callerOf } from './identify.ts';

// requireAdmin runs after identify(); the server decides on every request, whatever the page
// showed. Who may create tokens for whom is the token service's rule, not a middleware's.

export function requireAdmin() {
  return async function requireAdminMiddleware(ctx: Context, next: Next) {
    if (!callerOf(ctx)?.isAdmin) throw forbidden('Only site administrators may do this.', 'admin_required');
    return next();
  };
}

/**
 * The validate endpoint answers, for any credential, whether it is a valid token and whose: it is
 * off (404) without ATA_VALIDATE_SECRET, and otherwise open only to a caller presenting it.
 */
export function requireValidateSecret(secret: string | undefined) {
  const allowed = secret === undefined ? undefined : createValidateAccess(secret);
  return async function requireValidateSecretMiddleware(ctx: Context, next: Next) {
    if (allowed === undefined)
      throw notFound('The validate endpoint is off: set ATA_VALIDATE_SECRET to use it.');
    if (!allowed(ctx.get('Authorization'))) {
      throw new AppError(401, 'unauthorized', 'Send Authorization: Bearer <ATA_VALIDATE_SECRET>.');
    }
    return next();
  };
}
