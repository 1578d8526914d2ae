import type Router from '@koa/router';
import { endSession, formField, passwordLogin, safeDestination } from '../form-login.ts';
import { esc, panel } from '../html.ts';
import type { RequestIdentity, SimContext, Site } from '../site.ts';
import { sitePath } from '../site.ts';
import type { SimIssue } from './issues.ts';
import { renderJiraPage } from './layout.ts';

// Jira's browser pages: dashboard, an issue, the login form (with the CAPTCHA state), logout and the theme switch.
function gadget(title: string, body: string): string {
  return `<div class="sim-gadget dashboard-item"><h3 class="dashboard-item-title">${esc(title)}</h3>${body}</div>`;
}

function dashboard(ctx: SimContext, site: Site, issues: Map<string, SimIssue>): string {
  const user = ctx.state.user;
  const mine = [...issues.values()].filter((i) => i.assignee === user?.name);
  const list = mine.length
    ? `<ul>${mine.map((i) => `<li><a class="issue-link" href="${esc(sitePath(site, `/browse/${i.key}`))}">${esc(i.key)}</a> ${esc(i.summary)}</li>`).join('')}</ul>`
    : '<p>You have no open issues assigned to you.</p>';
  const body = user
    ? gadget('Introduction', '<p>Welcome to the simulated Jira.</p>') + gadget('Assigned to Me', list)
    : gadget('Introduction', '<p>Welcome to the simulated Jira.</p>') +
      gadget(
        'Login',
        `<p><a class="login-link" href="${esc(sitePath(site, '/login.jsp'))}">Log in</a> to see your issues.</p>`,
      );
  return `<header class="aui-page-header"><div class="aui-page-header-inner"><div class="aui-page-header-main"><h1>System Dashboard</h1></div></div></header>${panel(body)}`;
}

function issuePage(site: Site, issue: SimIssue): string {
  return panel(`<header class="aui-page-header"><div class="aui-page-header-main">
<ol class="aui-nav aui-nav-breadcrumbs"><li><a id="project-name-val" href="${esc(sitePath(site, '/browse/DEMO'))}">Demo</a></li><li><a class="issue-link" data-issue-key="${esc(issue.key)}" id="key-val" href="${esc(sitePath(site, `/browse/${issue.key}`))}">${esc(issue.key)}</a></li></ol>
<h1 id="summary-val">${esc(issue.summary)}</h1></div></header>
<div id="details-module"><strong>Status:</strong> <span id="status-val" class="aui-lozenge">${esc(issue.status)}</span></div>
<div id="descriptionmodule"><h4>Description</h4><div class="user-content-block">${esc(issue.description)}</div></div>`);
}

interface LoginView {
  username?: string;
  destination: string;
  error?: string;
  captcha?: string;
}

export function loginForm(site: Site, view: LoginView): string {
  const captcha = view.captcha
    ? `<div class="field-group" id="captcha"><label for="os_captcha">Answer: what is ${esc(view.captcha)}?</label><input class="text medium-field" id="os_captcha" name="os_captcha" type="text" autocomplete="off"></div>`
    : '';
  const error = view.error
    ? `<div class="aui-message aui-message-error"><p>${esc(view.error)}</p></div>`
    : '';
  return `<div class="sim-login aui-page-panel"><div class="aui-page-panel-inner"><section class="aui-page-panel-content">
<h1>Welcome to Jira</h1>${error}
<form id="login-form" class="aui" action="${esc(sitePath(site, '/login.jsp'))}" method="post">
<div class="form-body">
<div class="field-group"><label for="login-form-username">Username</label><input class="text medium-field" id="login-form-username" name="os_username" type="text" value="${esc(view.username ?? '')}"></div>
<div class="field-group"><label for="login-form-password">Password</label><input class="text medium-field" id="login-form-password" name="os_password" type="password"></div>
${captcha}
<fieldset class="group"><div class="checkbox" id="rememberme"><input class="checkbox" id="login-form-remember-me" name="os_cookie" type="checkbox" value="true"><label for="login-form-remember-me">Remember my login on this computer</label></div></fieldset>
<input type="hidden" name="os_destination" value="${esc(view.destination)}">
<div class="buttons-container"><div class="buttons"><input class="aui-button aui-button-primary" id="login-form-submit" name="login" type="submit" value="Log In"></div></div>
</div></form></section></div></div>`;
}

const WRONG = 'Sorry, your username and password are incorrect - please try again.';
const DENIED = 'Sorry, your userid is required to answer a CAPTCHA question correctly.';

export function registerJiraPages(
  router: Router<RequestIdentity>,
  site: Site,
  issues: Map<string, SimIssue>,
): void {
  const page = (ctx: SimContext, title: string, content: string, pageType: string) => {
    ctx.type = 'html';
    ctx.body = renderJiraPage(ctx, site, { title, content, pageType });
  };
  router.get('/', (ctx) => ctx.redirect(sitePath(site, '/secure/Dashboard.jspa')));
  router.get('/secure/MyJiraHome.jspa', (ctx) => ctx.redirect(sitePath(site, '/secure/Dashboard.jspa')));
  router.get('/secure/Dashboard.jspa', (ctx) =>
    page(ctx, 'System Dashboard', dashboard(ctx, site, issues), 'dashboard'),
  );
  router.get('/browse/:key', (ctx) => {
    const issue = issues.get(String(ctx.params.key).toUpperCase());
    if (!ctx.state.user) {
      const login = `/login.jsp?os_destination=${encodeURIComponent(ctx.path)}`;
      return page(
        ctx,
        'Log in',
        panel(
          `<div class="aui-message aui-message-warning"><p>You must <a class="login-link" href="${esc(sitePath(site, login))}">log in</a> to view this issue.</p></div>`,
        ),
        'issue',
      );
    }
    if (!issue) {
      ctx.status = 404;
      return page(ctx, 'Issue does not exist', panel('<h1>Issue does not exist</h1>'), 'issue');
    }
    page(ctx, `[${issue.key}] ${issue.summary}`, issuePage(site, issue), 'issue');
  });
  router.get('/secure/ViewProfile.jspa', (ctx) => {
    const user = ctx.state.user;
    if (!user)
      return ctx.redirect(sitePath(site, `/login.jsp?os_destination=${encodeURIComponent(ctx.path)}`));
    page(
      ctx,
      `User Profile: ${user.displayName}`,
      panel(
        `<h1>${esc(user.displayName)}</h1><p>Username: <span id="up-d-username">${esc(user.name)}</span></p><p>Email: ${esc(user.email)}</p>`,
      ),
      'profile',
    );
  });
  router.get('/secure/UpdateUserTheme.jspa', (ctx) => {
    const mode = ctx.query.colorMode;
    if (ctx.state.user && (mode === 'dark' || mode === 'light')) ctx.state.user.colorMode = mode;
    ctx.redirect(sitePath(site, '/secure/Dashboard.jspa'));
  });
  router.get('/login.jsp', (ctx) => {
    const destination = String(ctx.query.os_destination ?? '/secure/Dashboard.jspa');
    page(ctx, 'Log in', loginForm(site, { destination }), 'login');
  });
  router.post('/login.jsp', (ctx) => {
    const username = formField(ctx, 'os_username');
    const destination = formField(ctx, 'os_destination') || '/secure/Dashboard.jspa';
    const result = passwordLogin(
      ctx,
      site,
      username,
      formField(ctx, 'os_password'),
      formField(ctx, 'os_captcha'),
    );
    if (result.ok) return ctx.redirect(safeDestination(site, destination, '/secure/Dashboard.jspa'));
    const captcha = site.state.guard.captchaRequired(username)
      ? site.state.guard.challenge(username)
      : undefined;
    const error = captcha ? DENIED : WRONG;
    page(
      ctx,
      'Log in',
      loginForm(site, { username, destination, error, ...(captcha ? { captcha } : {}) }),
      'login',
    );
  });
  router.get('/logout', (ctx) => {
    endSession(ctx, site);
    ctx.set('X-AUSERNAME', 'anonymous');
    page(
      ctx,
      'Logout',
      panel(
        `<h1>Logout</h1><div class="aui-message aui-message-info"><p>You are now logged out. Any automatic login has also been stopped.</p><p>Didn't mean to log out? <a class="login-link" href="${esc(sitePath(site, '/login.jsp'))}">Log in again</a>.</p></div>`,
      ),
      'logout',
    );
  });
}
