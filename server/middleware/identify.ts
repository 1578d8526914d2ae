import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import {
  evaluatePermissions,
  type PermissionSet,
  type PermissionsDocument,
} from '../../shared/permissions.ts';
import type { AuthzService } from '../authz/authz-service.ts';
import { authorizationValues } from '../authz/credentials.ts';
import type { Decision } from '../authz/decision-engine.ts';
import { codeFor, type DenyReason, messageFor } from '../authz/reasons.ts';
import type { Directory, DirectoryUser } from '../directory/index.ts';
import { AppError, forbidden, unauthorized } from '../errors.ts';
import type { RequestContext, ViaToken } from '../services/types.ts';

export interface Caller extends DirectoryUser {
  // How the caller proved who they are.
  via: 'session' | 'token' | 'password' | 'site-token';
  tokenId: string | null;
  permissions: PermissionSet;
}

export interface IdentifyOptions {
  directory: Pick<Directory, 'whoAmI'>;
  authz: Pick<AuthzService, 'check'>;
  permissions: () => Promise<PermissionsDocument>;
}

/** A refusal of the core as the management API answers it: the same status, the table's code. */
function refusal(decision: Decision): AppError {
  const reason = decision.reason as DenyReason;
  const headers = decision.retryAfterSeconds
    ? { 'Retry-After': String(decision.retryAfterSeconds) }
    : undefined;
  return new AppError(decision.status, codeFor(reason), messageFor(reason), true, { reason }, headers);
}

const viaTokenOf = (decision: Decision): ViaToken | null =>
  decision.token
    ? {
        id: decision.token.id,
        name: decision.token.name,
        expiresAt: decision.token.expiresAt,
        ipAllowlist: [...decision.token.ipAllowlist],
        scope: decision.token.scope,
      }
    : null;

/**
 * Who is calling the management API. Every credential is judged by the same core as the proxies'
 * requests (server/authz/decision-engine.ts via AuthzService.check): tokens, passwords, address
 * rules, throttle, scope, log lines and last-used alike, so one situation gets one answer on
 * every plane. What is left here is what only this plane does: asking the site who holds a
 * session cookie, a password or a site token. Writes ctx.state.caller and ctx.state.audit.
 */
export function identify(options: IdentifyOptions) {
  return async function identifyMiddleware(ctx: Context, next: Next) {
    const decision = await options.authz.check(
      {
        method: ctx.method,
        path: ctx.path,
        authorization: authorizationValues(ctx.req.rawHeaders),
        peer: ctx.req.socket.remoteAddress,
        headers: ctx.req.headers,
        plane: 'companion',
      },
      ctx.state.logger as Logger | undefined,
    );
    if (decision.decision === 'deny') throw refusal(decision);
    const user = await userOf(options.directory, ctx, decision);
    if (!user) throw unauthorized();
    if (!user.active) throw forbidden(messageFor('user-inactive'), codeFor('user-inactive'));
    const permissions = evaluatePermissions(await options.permissions(), user);
    const caller: Caller = {
      ...user,
      via: viaOf(decision),
      tokenId: decision.token?.id ?? null,
      permissions,
    };
    const audit: RequestContext = {
      actor: user.username.toLowerCase(),
      remoteIp: decision.clientIp,
      viaToken: viaTokenOf(decision),
    };
    ctx.state.caller = caller;
    ctx.state.audit = audit;
    return next();
  };
}

function viaOf(decision: Decision): Caller['via'] {
  switch (decision.mode) {
    case 'token':
      return 'token';
    case 'password':
      return 'password';
    case 'passthrough':
      return 'site-token';
    default:
      return 'session';
  }
}

/** The allowed caller: the token's owner from the core, or whoever the site says holds the credential. */
async function userOf(
  directory: IdentifyOptions['directory'],
  ctx: Context,
  decision: Decision,
): Promise<DirectoryUser | null> {
  switch (decision.mode) {
    case 'token':
      return (decision.owner as DirectoryUser | undefined) ?? null;
    case 'password':
      return directory.whoAmI({ authorization: ctx.get('Authorization') });
    case 'passthrough':
      // The site's own personal access tokens (Bearer); other schemes manage nothing here.
      return /^bearer\s/i.test(ctx.get('Authorization'))
        ? directory.whoAmI({ authorization: ctx.get('Authorization') })
        : null;
    default: {
      const cookie = ctx.get('Cookie');
      return cookie ? directory.whoAmI({ cookie }) : null;
    }
  }
}

export const callerOf = (ctx: Context): Caller => ctx.state.caller as Caller;
export const auditContextOf = (ctx: Context): RequestContext => ctx.state.audit as RequestContext;
