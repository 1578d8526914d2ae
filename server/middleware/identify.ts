import type { Context, Next } from 'koa';
import {
  evaluatePermissions,
  type PermissionSet,
  type PermissionsDocument,
} from '../../shared/permissions.ts';
import { authorizationValues, type Credential, parseAuthorization } from '../authz/credentials.ts';
import { compilePolicy } from '../authz/policy.ts';
import type { Directory, DirectoryUser } from '../directory/index.ts';
import { forbidden, tooManyRequests, unauthorized } from '../errors.ts';
import type { RequestContext, Settings, TokenRecord } from '../services/types.ts';

export interface Caller extends DirectoryUser {
  // How the caller proved who they are.
  via: 'session' | 'token' | 'password' | 'site-token';
  tokenId: string | null;
  permissions: PermissionSet;
}

/**
 * The validation plane's bookkeeping, shared so that a token used on the management API counts
 * as it does on the site's REST API: the same throttle for wrong tokens, the same last-used time.
 */
export interface TokenUseTracking {
  /** Seconds the address must wait before trying tokens again, else 0. */
  addressBlockedFor(clientIp: string | null): number;
  /** Seconds during which wrong tokens for this name are answered as throttled, else 0. */
  userBlockedFor(username: string): number;
  recordFailure(clientIp: string | null, username: string | null): Promise<void>;
  noteUse(tokenId: string, clientIp: string | null): void;
}

export interface IdentifyOptions {
  directory: Directory;
  verifyToken: (secret: string) => Promise<TokenRecord | null>;
  settings: () => Promise<Settings>;
  permissions: () => Promise<PermissionsDocument>;
  tokenUse: TokenUseTracking;
}

const throttledMessage = 'Too many wrong API tokens: wait before trying again.';

// Our own token, sent by a script: the token's owner must be a live site user allowed to use tokens.
async function viaToken(
  options: IdentifyOptions,
  secret: string,
  claimedUser: string | null,
  remoteIp: string | null,
) {
  const { tokenUse } = options;
  const wait = tokenUse.addressBlockedFor(remoteIp);
  if (wait > 0) throw tooManyRequests(throttledMessage, wait);
  const token = await options.verifyToken(secret);
  if (!token || (claimedUser !== null && claimedUser.toLowerCase() !== token.owner.toLowerCase())) {
    await tokenUse.recordFailure(remoteIp, claimedUser);
    const userWait = claimedUser === null ? 0 : tokenUse.userBlockedFor(claimedUser);
    if (userWait > 0) throw tooManyRequests(throttledMessage, userWait);
    throw unauthorized('The API token is unknown, expired, or belongs to another user.');
  }
  const user = await options.directory.lookupUser(token.owner);
  if (!user?.active) throw unauthorized('The owner of this API token is not an active user of the site.');
  return { user, token };
}

interface Resolved {
  user: DirectoryUser | null;
  via: Caller['via'];
  token: TokenRecord | null;
}

// One answer per kind of credential; anything malformed or foreign is a 401.
async function resolve(
  options: IdentifyOptions,
  ctx: Context,
  credential: Credential,
  passwordBasicAuth: boolean,
  remoteIp: string | null,
): Promise<Resolved> {
  const asSite = (via: Caller['via']) =>
    options.directory
      .whoAmI({ authorization: ctx.get('Authorization') })
      .then((user): Resolved => ({ user, via, token: null }));
  switch (credential.kind) {
    case 'none': {
      const cookie = ctx.get('Cookie');
      return {
        user: cookie ? await options.directory.whoAmI({ cookie }) : null,
        via: 'session',
        token: null,
      };
    }
    case 'basic-token':
    case 'bearer-token': {
      const claimed = credential.kind === 'basic-token' ? credential.username : null;
      return { ...(await viaToken(options, credential.secret, claimed, remoteIp)), via: 'token' };
    }
    case 'basic-password':
      if (!passwordBasicAuth) {
        throw unauthorized('Password authentication is switched off on this site: use an API token.');
      }
      return asSite('password');
    case 'bearer-other':
      // The site's own personal access tokens: the site decides who they belong to.
      return asSite('site-token');
    default:
      throw unauthorized('The Authorization header is not one this server accepts.');
  }
}

/**
 * Resolves who is calling, always by asking the site (or, for our own tokens, the token store plus
 * the site): a session cookie or site credential is forwarded unchanged; our own tokens are
 * verified locally. Writes ctx.state.caller and ctx.state.audit ({actor, remoteIp}).
 */
export function identify(options: IdentifyOptions) {
  return async function identifyMiddleware(ctx: Context, next: Next) {
    const settings = await options.settings();
    // The same address rules as the validation plane: a credential sent from outside the allowlists
    // manages nothing, and a read-only token changes nothing.
    const policy = compilePolicy(settings);
    const remoteIp = policy.clientIp(ctx.req.socket.remoteAddress, ctx.req.headers);
    const credential = parseAuthorization(authorizationValues(ctx.req.rawHeaders));
    if (credential.kind !== 'none' && !policy.addressAllowed(remoteIp)) {
      throw forbidden('Your address is not allowed to use API tokens or passwords here.', 'ip_denied');
    }
    const { user, via, token } = await resolve(
      options,
      ctx,
      credential,
      settings.passwordBasicAuth,
      remoteIp,
    );
    if (!user) throw unauthorized();
    if (!user.active) throw forbidden('Your account is deactivated on the site.', 'user_inactive');
    const permissions = evaluatePermissions(await options.permissions(), user);
    if (token) {
      if (!permissions.useTokens)
        throw forbidden('You are not allowed to use API tokens.', 'permission_denied');
      if (!policy.tokenAddressAllowed(token.ipAllowlist, remoteIp)) {
        throw forbidden('This API token may not be used from your address.', 'ip_denied');
      }
      const readOnly = token.scope === 'read-only' || policy.forceReadOnlyScope;
      if (readOnly && !['GET', 'HEAD', 'OPTIONS'].includes(ctx.method)) {
        throw forbidden('This API token is read-only.', 'read_only_token');
      }
      options.tokenUse.noteUse(token.id, remoteIp);
    }
    const caller: Caller = { ...user, via, tokenId: token?.id ?? null, permissions };
    const audit: RequestContext = { actor: user.username.toLowerCase(), remoteIp };
    ctx.state.caller = caller;
    ctx.state.audit = audit;
    return next();
  };
}

export const callerOf = (ctx: Context): Caller => ctx.state.caller as Caller;
export const auditContextOf = (ctx: Context): RequestContext => ctx.state.audit as RequestContext;
