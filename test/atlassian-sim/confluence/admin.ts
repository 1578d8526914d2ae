import type Router from '@koa/router';
import type { AdminGatePages } from '../admin-gate.ts';
import { adminGate, elevate } from '../admin-gate.ts';
import { formField, safeDestination } from '../form-login.ts';
import { esc, panel } from '../html.ts';
import type { RequestIdentity, SimContext, Site } from '../site.ts';
import { sitePath } from '../site.ts';
import { renderConfluencePage } from './layout.ts';

// Confluence administration: the sidebar with its web-sections (system.admin/configuration, security = "Users &
// Security", lookandfeel, administration), the user browser, and WebSudo at /authenticate.action.
const SECTIONS: [key: string, heading: string, links: [id: string, label: string, path: string][]][] = [
  [
    'configuration',
    'Configuration',
    [
      ['general-config-link', 'General Configuration', '/admin/console.action'],
      ['manage-apps-link', 'Manage apps', '/plugins/servlet/upm'],
    ],
  ],
  [
    'security',
    'Users & Security',
    [
      ['users-link', 'Users', '/admin/users/browseusers.action'],
      ['groups-link', 'Groups', '/admin/users/browsegroups.action'],
      ['global-permissions-link', 'Global permissions', '/admin/permissions/globalpermissions.action'],
      ['user-directories-link', 'User directories', '/plugins/servlet/embedded-crowd/directories/list'],
    ],
  ],
  ['lookandfeel', 'Look and Feel', [['themes-link', 'Themes', '/admin/choosetheme.action']]],
  [
    'administration',
    'Administration',
    [['system-info-link', 'System information', '/admin/systeminfo.action']],
  ],
];

function sidebar(site: Site, activeId: string): string {
  const groups = SECTIONS.map(([key, heading, links]) => {
    const lis = links
      .map(
        ([id, label, path]) =>
          `<li${id === activeId ? ' class="aui-nav-selected"' : ''}><a id="${id}" href="${esc(sitePath(site, path))}">${esc(label)}</a></li>`,
      )
      .join('');
    return `<div class="aui-nav-heading" data-section="system.admin/${key}"><strong>${esc(heading)}</strong></div><ul class="aui-nav" data-section="system.admin/${key}">${lis}</ul>`;
  }).join('');
  return `<div class="aui-page-panel-nav"><nav class="aui-navgroup aui-navgroup-vertical" aria-label="Administration"><div class="aui-navgroup-inner">${groups}</div></nav></div>`;
}

function table(headers: string[], rows: string[][], id: string): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table class="aui" id="${id}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const GATE = (site: Site): AdminGatePages => ({
  loginPath: (here) => `/login.action?os_destination=${encodeURIComponent(here)}`,
  webSudoPath: (here) => `/authenticate.action?destination=${encodeURIComponent(here)}`,
  renderDenied: (ctx) => {
    ctx.body = renderConfluencePage(ctx, site, {
      title: 'Not Permitted',
      bodyClass: 'error',
      content: panel(
        '<h1>Not Permitted</h1><div class="aui-message aui-message-warning"><p>You are not permitted to perform this operation.</p></div>',
      ),
    });
  },
});

export function registerConfluenceAdmin(router: Router<RequestIdentity>, site: Site): void {
  const { directory } = site.state;
  const adminPage = (activeId: string, title: string, body: () => string) => (ctx: SimContext) => {
    if (!adminGate(ctx, site, GATE(site))) return;
    ctx.type = 'html';
    ctx.body = renderConfluencePage(ctx, site, {
      title,
      bodyClass: 'admin-body',
      content: `<header class="aui-page-header"><div class="aui-page-header-inner"><div class="aui-page-header-main"><h1>Administration</h1></div></div></header>${panel(`<h2>${esc(title)}</h2>${body()}`, sidebar(site, activeId))}`,
    });
  };
  router.get(
    '/admin/users/browseusers.action',
    adminPage('users-link', 'Users', () =>
      table(
        ['Username', 'Full name', 'Email', 'Status'],
        [...directory.users.values()].map((u) => [
          u.name,
          u.displayName,
          u.email,
          u.active ? 'Active' : 'Deactivated',
        ]),
        'user-browser-table',
      ),
    ),
  );
  router.get(
    '/admin/users/browsegroups.action',
    adminPage('groups-link', 'Groups', () =>
      table(
        ['Group', 'Members'],
        [...directory.groups].sort().map((g) => [g, String(directory.members(g).length)]),
        'group-browser-table',
      ),
    ),
  );
  router.get(
    '/admin/console.action',
    adminPage('general-config-link', 'General Configuration', () => '<p>Site title: Confluence</p>'),
  );

  const sudoForm = (ctx: SimContext, destination: string, error?: string) => {
    ctx.type = 'html';
    ctx.set('X-Atlassian-WebSudo', 'Require-Authentication');
    ctx.body = renderConfluencePage(ctx, site, {
      title: 'Administrator Access',
      bodyClass: 'websudo',
      content: `<div class="sim-login aui-page-panel"><div class="aui-page-panel-inner"><section class="aui-page-panel-content"><h1>Administrator Access</h1>
${error ? `<div class="aui-message aui-message-error"><p>${esc(error)}</p></div>` : ''}
<form id="authenticateform" class="aui" method="post" action="${esc(sitePath(site, '/doauthenticate.action'))}">
<div class="field-group"><label for="password">Password</label><input type="password" id="password" name="password" class="password"></div>
<input type="hidden" name="destination" value="${esc(destination)}">
<div class="buttons-container"><div class="buttons"><input id="authenticateButton" class="aui-button aui-button-primary" type="submit" value="Confirm"></div></div>
</form></section></div></div>`,
    });
  };
  router.get('/authenticate.action', (ctx) => {
    if (!ctx.state.user) return ctx.redirect(sitePath(site, '/login.action'));
    sudoForm(ctx, String(ctx.query.destination ?? '/admin/console.action'));
  });
  router.post('/doauthenticate.action', (ctx) => {
    const destination = formField(ctx, 'destination') || '/admin/console.action';
    if (!ctx.state.session) return ctx.redirect(sitePath(site, '/login.action'));
    if (!elevate(ctx, site, formField(ctx, 'password')))
      return sudoForm(ctx, destination, 'Invalid password. Please try again.');
    ctx.redirect(safeDestination(site, destination, '/admin/console.action'));
  });
}
