import type Router from '@koa/router';
import type { AdminGatePages } from '../admin-gate.ts';
import { adminGate, elevate } from '../admin-gate.ts';
import { formField, safeDestination } from '../form-login.ts';
import { esc, panel } from '../html.ts';
import type { RequestIdentity, SimContext, Site } from '../site.ts';
import { sitePath } from '../site.ts';
import { adminSections } from './header.ts';
import { renderJiraPage } from './layout.ts';

// Jira administration: the User management section (users, groups) where apps add their admin links, guarded
// by WebSudo ("Administrator Access") for cookie sessions, and the permission-violation page for non-admins.
const SIDEBAR: [id: string, label: string, path: string][] = [
  ['user_browser', 'Users', '/secure/admin/user/UserBrowser.jspa'],
  ['group_browser', 'Groups', '/secure/admin/user/GroupBrowser.jspa'],
];

function adminChrome(site: Site, activeTab: string, content: string): string {
  const p = (path: string) => esc(sitePath(site, path));
  const tabs = adminSections()
    .map(
      ([id, label, path]) =>
        `<li${id === 'admin_users_menu' ? ' class="aui-nav-selected"' : ''}><a href="${p(path)}" data-link-id="${id}">${esc(label)}</a></li>`,
    )
    .join('');
  const links = SIDEBAR.map(
    ([id, label, path]) =>
      `<li${id === activeTab ? ' class="aui-nav-selected"' : ''}><a href="${p(path)}" id="${id}">${esc(label)}</a></li>`,
  ).join('');
  const nav = `<div class="aui-page-panel-nav"><nav class="aui-navgroup aui-navgroup-vertical"><div class="aui-navgroup-inner"><div class="aui-navgroup-primary"><div class="admin-menu-links"><div class="aui-nav-heading">User management</div><ul class="aui-nav">${links}</ul></div></div></div></nav></div>`;
  return `<header class="aui-page-header admin-page-header"><div class="aui-page-header-inner"><div class="aui-page-header-main"><h1>Administration</h1></div><div class="aui-page-header-actions"><a id="admin-search-link" class="aui-button" href="${p('/secure/admin/ViewApplicationProperties.jspa')}">Search Jira admin</a></div></div></header>
<nav class="aui-navgroup aui-navgroup-horizontal"><div class="aui-navgroup-inner"><div class="aui-navgroup-primary"><ul class="aui-nav">${tabs}</ul></div></div></nav>
${panel(content, nav)}`;
}

function userTable(site: Site): string {
  const rows = [...site.state.directory.users.values()]
    .map(
      (u) =>
        `<tr class="vcard user-row" data-user="${esc(u.name)}"><td class="username">${esc(u.name)}</td><td class="fn">${esc(u.displayName)}</td><td class="email">${esc(u.email)}</td><td>${esc([...u.groups].sort().join(', '))}</td><td>${u.active ? 'Active' : '<span class="aui-lozenge">Inactive</span>'}</td></tr>`,
    )
    .join('');
  return `<h2>Users</h2><table class="aui aui-table-rowhover" id="user_browser_table"><thead><tr><th>Username</th><th>Full name</th><th>Email</th><th>Groups</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function groupTable(site: Site): string {
  const rows = [...site.state.directory.groups]
    .sort()
    .map((g) => `<tr><td>${esc(g)}</td><td>${site.state.directory.members(g).length}</td></tr>`)
    .join('');
  return `<h2>Groups</h2><table class="aui" id="group_browser_table"><thead><tr><th>Group name</th><th>Users</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const JIRA_GATE = (site: Site): AdminGatePages => ({
  loginPath: (here) => `/login.jsp?os_destination=${encodeURIComponent(here)}`,
  webSudoPath: (here) =>
    `/secure/admin/WebSudoAuthenticate!default.jspa?webSudoDestination=${encodeURIComponent(here)}`,
  renderDenied: (ctx) => {
    ctx.body = renderJiraPage(ctx, site, {
      title: 'Permission Violation',
      pageType: 'error',
      content: panel(
        '<h1>Permission Violation</h1><div class="aui-message aui-message-error"><p>It seems that you have tried to perform an operation which you are not permitted to perform.</p><p>If you think this message is wrong, please contact your Jira administrators.</p></div>',
      ),
    });
  },
});

function webSudoForm(site: Site, destination: string, error?: string): string {
  return `<div class="sim-login aui-page-panel"><div class="aui-page-panel-inner"><section class="aui-page-panel-content">
<h1>Administrator Access</h1>
<div class="aui-message aui-message-info"><p>You have requested access to an administrative function in Jira and are required to validate your credentials below.</p></div>
${error ? `<div class="aui-message aui-message-error"><p>${esc(error)}</p></div>` : ''}
<form id="login-form" class="aui" action="${esc(sitePath(site, '/secure/admin/WebSudoAuthenticate.jspa'))}" method="post">
<div class="field-group"><label for="login-form-authenticatePassword">Password</label><input class="text medium-field" id="login-form-authenticatePassword" name="webSudoPassword" type="password"></div>
<input type="hidden" name="webSudoDestination" value="${esc(destination)}">
<div class="buttons-container"><div class="buttons"><input class="aui-button aui-button-primary" id="login-form-submit" type="submit" value="Confirm"></div></div>
</form></section></div></div>`;
}

export function registerJiraAdmin(router: Router<RequestIdentity>, site: Site): void {
  const adminPage = (tab: string, title: string, body: (s: Site) => string) => (ctx: SimContext) => {
    if (!adminGate(ctx, site, JIRA_GATE(site))) return;
    ctx.type = 'html';
    ctx.body = renderJiraPage(ctx, site, {
      title,
      pageType: 'admin',
      admin: { section: 'admin_users_menu/users_groups_section', tab },
      content: adminChrome(site, tab, body(site)),
    });
  };
  router.get('/secure/admin/user/UserBrowser.jspa', adminPage('user_browser', 'User Browser', userTable));
  router.get('/secure/admin/user/GroupBrowser.jspa', adminPage('group_browser', 'Group Browser', groupTable));

  const sudoPage = (ctx: SimContext, destination: string, error?: string) => {
    ctx.type = 'html';
    ctx.set('X-Atlassian-WebSudo', 'Require-Authentication');
    ctx.body = renderJiraPage(ctx, site, {
      title: 'Administrator Access',
      pageType: 'websudo',
      content: webSudoForm(site, destination, error),
    });
  };
  router.get('/secure/admin/WebSudoAuthenticate\\!default.jspa', (ctx) => {
    if (!ctx.state.user) return ctx.redirect(sitePath(site, '/login.jsp'));
    sudoPage(ctx, String(ctx.query.webSudoDestination ?? '/secure/admin/user/UserBrowser.jspa'));
  });
  router.post('/secure/admin/WebSudoAuthenticate.jspa', (ctx) => {
    const destination = formField(ctx, 'webSudoDestination') || '/secure/admin/user/UserBrowser.jspa';
    if (!ctx.state.session) return ctx.redirect(sitePath(site, '/login.jsp'));
    if (!elevate(ctx, site, formField(ctx, 'webSudoPassword'))) {
      return sudoPage(ctx, destination, 'The password you entered is incorrect. Please try again.');
    }
    ctx.redirect(safeDestination(site, destination, '/secure/admin/user/UserBrowser.jspa'));
  });
}
