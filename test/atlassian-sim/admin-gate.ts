import type { SimContext, Site } from './site.ts';
import { destinationOf, sitePath } from './site.ts';
import { passwordMatches } from './users.ts';

// Who may open an administration page, the same in both products: anonymous → the login page; a non-admin → the
// product's permission page; an admin on a cookie session without a recent password → WebSudo. Basic, Bearer and
// header-authenticated requests carry no session to elevate and are exempt, as in the products.
export interface AdminGatePages {
  loginPath: (destination: string) => string;
  webSudoPath: (destination: string) => string;
  renderDenied: (ctx: SimContext) => void;
}

export function adminGate(ctx: SimContext, site: Site, pages: AdminGatePages): boolean {
  const user = ctx.state.user;
  const here = destinationOf(ctx);
  if (!user) {
    ctx.redirect(sitePath(site, pages.loginPath(here)));
    return false;
  }
  if (!site.state.directory.isAdmin(user)) {
    ctx.status = 403;
    ctx.type = 'html';
    pages.renderDenied(ctx);
    return false;
  }
  const needsSudo =
    site.webSudo && ctx.state.authMethod === 'session' && !site.state.sessions.isElevated(ctx.state.session);
  ctx.set('X-Atlassian-WebSudo', needsSudo ? 'Require-Authentication' : 'Has-Authentication');
  if (needsSudo) {
    ctx.redirect(sitePath(site, pages.webSudoPath(here)));
    return false;
  }
  return true;
}

/** Checks the re-entered password and elevates the session for ten minutes. */
export function elevate(ctx: SimContext, site: Site, password: string): boolean {
  const user = ctx.state.user;
  if (!user || !ctx.state.session || !passwordMatches(user, password)) return false;
  site.state.sessions.elevate(ctx.state.session);
  ctx.set('X-Atlassian-WebSudo', 'Has-Authentication');
  return true;
}
