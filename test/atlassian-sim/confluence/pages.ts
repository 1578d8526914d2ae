import type Router from '@koa/router';
import { endSession, formField, passwordLogin, safeDestination } from '../form-login.ts';
import { esc, panel } from '../html.ts';
import type { RequestIdentity, SimContext, Site } from '../site.ts';
import { sitePath } from '../site.ts';
import type { SimPage } from './content.ts';
import { renderConfluencePage } from './layout.ts';

// Confluence's browser pages: the dashboard, a page of the DEMO space, login (with the CAPTCHA state) and logout.
interface LoginView {
  username?: string;
  destination: string;
  error?: string;
  captcha?: string;
  info?: string;
}

function loginForm(site: Site, view: LoginView): string {
  const message = (type: string, text?: string) =>
    text ? `<div class="aui-message aui-message-${type}"><p>${esc(text)}</p></div>` : '';
  const captcha = view.captcha
    ? `<div class="field-group" id="captcha-container"><label for="os_captcha">Answer: what is ${esc(view.captcha)}?</label><input type="text" name="os_captcha" id="os_captcha" class="text" autocomplete="off"></div>`
    : '';
  return `<div class="sim-login aui-page-panel"><div class="aui-page-panel-inner"><section class="aui-page-panel-content">
<h1>Log in to Confluence</h1>${message('info', view.info)}${message('error', view.error)}
<form name="loginform" method="POST" action="${esc(sitePath(site, '/dologin.action'))}" class="aui login-form-container" id="loginform">
<div class="field-group"><label for="os_username">Username</label><input type="text" name="os_username" id="os_username" class="text" value="${esc(view.username ?? '')}" autofocus></div>
<div class="field-group"><label for="os_password">Password</label><input type="password" name="os_password" id="os_password" class="password"></div>
${captcha}
<div class="field-group"><div class="checkbox"><input id="os_cookie" type="checkbox" name="os_cookie" value="true" class="checkbox"><label for="os_cookie">Remember me</label></div></div>
<div class="buttons-container"><div class="buttons"><input id="loginButton" class="aui-button aui-button-primary" name="login" type="submit" value="Log in"></div></div>
<input type="hidden" name="os_destination" value="${esc(view.destination)}">
</form></section></div></div>`;
}

const WRONG = 'Sorry, your username and password are incorrect - please try again.';
const DENIED =
  'You have exceeded the maximum number of failed login attempts: answer the CAPTCHA question to log in.';

export function registerConfluencePages(
  router: Router<RequestIdentity>,
  site: Site,
  pages: Map<string, SimPage>,
): void {
  const render = (ctx: SimContext, title: string, content: string, bodyClass: string) => {
    ctx.type = 'html';
    ctx.body = renderConfluencePage(ctx, site, { title, content, bodyClass });
  };
  const loginRedirect = (ctx: SimContext) =>
    ctx.redirect(sitePath(site, `/login.action?os_destination=${encodeURIComponent(ctx.path)}`));

  router.get('/', (ctx) => ctx.redirect(sitePath(site, '/index.action')));
  router.get('/index.action', (ctx) => {
    const user = ctx.state.user;
    const links = [...pages.values()]
      .map(
        (p) =>
          `<li><a href="${esc(sitePath(site, `/display/${p.space}/${p.title}`))}">${esc(p.title)}</a> in ${esc(p.space)}</li>`,
      )
      .join('');
    const body = user
      ? `<h1>Welcome to Confluence, ${esc(user.displayName)}</h1><div class="sim-gadget"><h3>Recently visited</h3><ul>${links}</ul></div>`
      : `<h1>Welcome to Confluence</h1><p><a class="login-link" href="${esc(sitePath(site, '/login.action'))}">Log in</a> to see the spaces.</p>`;
    render(ctx, 'Dashboard', panel(body), 'dashboard');
  });
  router.get('/display/:space/:title', (ctx) => {
    if (!ctx.state.user) return loginRedirect(ctx);
    const page = [...pages.values()].find(
      (p) => p.space === ctx.params.space && p.title === ctx.params.title,
    );
    if (!page) {
      ctx.status = 404;
      return render(ctx, 'Page Not Found', panel('<h1>Page Not Found</h1>'), 'error');
    }
    render(
      ctx,
      page.title,
      panel(
        `<div id="main-header"><h1 id="title-text" class="with-breadcrumbs">${esc(page.title)}</h1></div><div id="main-content" class="wiki-content">${page.body}</div>`,
      ),
      'page view-page',
    );
  });
  router.get('/users/viewmyprofile.action', (ctx) => {
    const user = ctx.state.user;
    if (!user) return loginRedirect(ctx);
    render(
      ctx,
      user.displayName,
      panel(
        `<h1>${esc(user.displayName)}</h1><p>Username: ${esc(user.name)}</p><p>Email: ${esc(user.email)}</p>`,
      ),
      'profile',
    );
  });
  router.get('/login.action', (ctx) => {
    const destination = String(ctx.query.os_destination ?? '/index.action');
    const info = ctx.query.logout === 'true' ? 'You have been successfully logged out.' : undefined;
    render(ctx, 'Log In', loginForm(site, { destination, ...(info ? { info } : {}) }), 'login');
  });
  router.post('/dologin.action', (ctx) => {
    const username = formField(ctx, 'os_username');
    const destination = formField(ctx, 'os_destination') || '/index.action';
    const result = passwordLogin(
      ctx,
      site,
      username,
      formField(ctx, 'os_password'),
      formField(ctx, 'os_captcha'),
    );
    if (result.ok) return ctx.redirect(safeDestination(site, destination, '/index.action'));
    const captcha = site.state.guard.captchaRequired(username)
      ? site.state.guard.challenge(username)
      : undefined;
    render(
      ctx,
      'Log In',
      loginForm(site, {
        username,
        destination,
        error: captcha ? DENIED : WRONG,
        ...(captcha ? { captcha } : {}),
      }),
      'login',
    );
  });
  router.get('/logout.action', (ctx) => {
    endSession(ctx, site);
    ctx.set('X-AUSERNAME', 'anonymous');
    ctx.redirect(sitePath(site, '/login.action?logout=true'));
  });
}
