import type { Middleware } from 'koa';
import type { SimContext, Site } from './site.ts';
import { originOf, sitePath } from './site.ts';
import type { AuthMethod } from './state.ts';
import { passwordMatches, type SimUser } from './users.ts';

// REST and page authentication the way the products do it, in this order: a header-SSO authenticator (only for
// requests from a trusted proxy, and only when one is configured), the PAT plugin's filter (Bearer), Seraph's
// Basic, the session cookie. A failed Basic login is counted towards the CAPTCHA state like a failed form login.
// A bad, expired or revoked PAT is not an error: the filter carries on unauthenticated, so the request is
// anonymous (or, inferred, whatever the session cookie says), never a 401 of its own.

export const SESSION_COOKIE = 'JSESSIONID';

type Resolution =
  | { ok: true; user: SimUser | null; authMethod: AuthMethod }
  | { ok: false; status: 401 | 403; reason: 'AUTHENTICATED_FAILED' | 'AUTHENTICATION_DENIED' };

/** The PAT filter looks only at a trimmed header of exactly two space-separated parts, the first `Bearer`. */
function bearerToken(header: string): string | undefined {
  const parts = header.trim().split(' ');
  return parts.length === 2 && parts[0] === 'Bearer' ? parts[1] : undefined;
}

function parseBasic(value: string): { username: string; password: string } | null {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function resolve(ctx: SimContext, site: Site): Resolution {
  const { directory, guard } = site.state;
  const asserted = ctx.get(site.identityHeader);
  if (asserted && site.isTrustedProxy(ctx.req.socket.remoteAddress ?? '')) {
    const user = directory.get(asserted);
    // An unknown or deactivated asserted user stays anonymous, as an SSO authenticator that cannot map the name.
    return { ok: true, user: user?.active ? user : null, authMethod: user?.active ? 'header' : 'anonymous' };
  }
  const authorization = ctx.get('Authorization');
  const pat = bearerToken(authorization);
  if (pat !== undefined) {
    const record = site.state.pats.authenticate(pat);
    const user = record && site.state.patOwner(record);
    if (user?.active) return { ok: true, user, authMethod: 'bearer' };
  }
  const [scheme = '', credentials = ''] = authorization.split(/\s+/, 2);
  if (scheme.toLowerCase() === 'basic') {
    const basic = parseBasic(credentials);
    const user = directory.get(basic?.username);
    if (!basic || !user) return { ok: false, status: 401, reason: 'AUTHENTICATED_FAILED' };
    const outcome = guard.attempt(user.name, user.active && passwordMatches(user, basic.password));
    if (outcome === 'denied') return { ok: false, status: 403, reason: 'AUTHENTICATION_DENIED' };
    if (outcome === 'failed') return { ok: false, status: 401, reason: 'AUTHENTICATED_FAILED' };
    return { ok: true, user, authMethod: 'basic' };
  }
  const session = site.state.sessions.get(ctx.cookies.get(SESSION_COOKIE));
  const user = directory.get(session?.username);
  if (session && user?.active) {
    ctx.state.session = session;
    return { ok: true, user, authMethod: 'session' };
  }
  return { ok: true, user: null, authMethod: 'anonymous' };
}

/** Sets `ctx.state.user/authMethod/session`, rejects bad credentials, and stamps `X-AUSERNAME` on every response. */
export function authenticate(site: Site): Middleware {
  return async (ctx, next) => {
    const c = ctx as SimContext;
    c.state.session = undefined;
    const result = resolve(c, site);
    if (!result.ok) {
      c.state.user = null;
      c.state.authMethod = 'basic';
      c.set('X-AUSERNAME', 'anonymous');
      c.set('X-Seraph-LoginReason', result.reason);
      if (result.reason === 'AUTHENTICATION_DENIED') {
        c.set(
          'X-Authentication-Denied-Reason',
          `CAPTCHA_CHALLENGE; login-url=${originOf(c)}${loginPath(site)}`,
        );
      } else {
        c.set('WWW-Authenticate', 'Basic realm="protected-area"');
      }
      c.status = result.status;
      c.type = 'text/html';
      c.body = `Basic Authentication Failure - Reason : ${result.reason}`;
      return;
    }
    c.state.user = result.user;
    c.state.authMethod = result.authMethod;
    c.set('X-AUSERNAME', result.user?.name ?? 'anonymous');
    try {
      await next();
    } finally {
      // The PAT filter ends the HTTP session the request's cookie names, whatever the request did.
      if (result.authMethod === 'bearer' && site.state.pats.settings.invalidateSession) {
        site.state.sessions.destroy(c.cookies.get(SESSION_COOKIE));
      }
    }
  };
}

export function loginPath(site: Site): string {
  return sitePath(site, site.flavour.product === 'jira' ? '/login.jsp' : '/login.action');
}
