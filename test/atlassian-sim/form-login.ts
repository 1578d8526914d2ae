import { SESSION_COOKIE } from './auth.ts';
import type { Session } from './sessions.ts';
import type { SimContext, Site } from './site.ts';
import { sitePath } from './site.ts';
import { passwordMatches, type SimUser } from './users.ts';

// Password logins shared by Jira's /login.jsp, Confluence's /dologin.action and Jira's REST session resource:
// one failed-login counter, one CAPTCHA rule, one session cookie.
export type LoginOutcome =
  | { ok: true; user: SimUser; session: Session }
  | { ok: false; reason: 'AUTHENTICATED_FAILED' | 'AUTHENTICATION_DENIED'; username: string };

export function passwordLogin(
  ctx: SimContext,
  site: Site,
  username: string,
  password: string,
  captchaAnswer?: string,
): LoginOutcome {
  const user = site.state.directory.get(username);
  if (!user) return { ok: false, reason: 'AUTHENTICATED_FAILED', username };
  const outcome = site.state.guard.attempt(
    user.name,
    user.active && passwordMatches(user, password),
    captchaAnswer,
  );
  if (outcome !== 'ok') {
    ctx.set('X-Seraph-LoginReason', outcome === 'denied' ? 'AUTHENTICATION_DENIED' : 'AUTHENTICATED_FAILED');
    return {
      ok: false,
      reason: outcome === 'denied' ? 'AUTHENTICATION_DENIED' : 'AUTHENTICATED_FAILED',
      username,
    };
  }
  return { ok: true, user, session: startSession(ctx, site, user) };
}

/** A new session replaces any previous one (session fixation), like the servlet container on login. */
export function startSession(ctx: SimContext, site: Site, user: SimUser): Session {
  site.state.sessions.destroy(ctx.cookies.get(SESSION_COOKIE));
  const session = site.state.sessions.create(user.name);
  user.logins = {
    count: user.logins.count + 1,
    last: new Date(),
    ...(user.logins.last ? { previous: user.logins.last } : {}),
  };
  ctx.cookies.set(SESSION_COOKIE, session.id, {
    httpOnly: true,
    path: site.contextPath || '/',
    sameSite: 'lax',
  });
  ctx.state.user = user;
  ctx.state.session = session;
  ctx.state.authMethod = 'session';
  ctx.set('X-AUSERNAME', user.name);
  ctx.set('X-Seraph-LoginReason', 'OK');
  return session;
}

export function endSession(ctx: SimContext, site: Site): void {
  site.state.sessions.destroy(ctx.cookies.get(SESSION_COOKIE));
  ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, path: site.contextPath || '/', maxAge: 0 });
  ctx.state.user = null;
  ctx.state.session = undefined;
}

/** Only a path inside the site may be a post-login destination: no open redirect to another origin. */
export function safeDestination(site: Site, destination: unknown, fallback: string): string {
  const value = typeof destination === 'string' ? destination : '';
  const inside = value.startsWith('/') && !value.startsWith('//') && !value.includes('\\');
  const relative =
    inside && site.contextPath && value.startsWith(`${site.contextPath}/`)
      ? value.slice(site.contextPath.length)
      : value;
  return sitePath(site, inside ? relative : fallback);
}

export function formField(ctx: SimContext, name: string): string {
  const body = (ctx.request as { body?: Record<string, unknown> }).body ?? {};
  const value = body[name];
  return typeof value === 'string' ? value : '';
}
