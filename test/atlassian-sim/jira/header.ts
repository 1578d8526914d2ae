import { esc } from '../html.ts';
import type { Site } from '../site.ts';
import { sitePath } from '../site.ts';
import type { SimUser } from '../users.ts';

// Jira's server-rendered header (`header#header > nav.aui-header`) with the user menu web-items of
// `system.user.options/*` and, for administrators, the cog menu of the admin sections.
export interface JiraHeaderOptions {
  user: SimUser | null;
  isAdmin: boolean;
  atlToken: string;
  /** The page's own path, for the Log In link's `os_destination`. */
  destination: string;
}

const ADMIN_SECTIONS: [id: string, label: string, path: string][] = [
  ['admin_applications_section', 'Applications', '/plugins/servlet/applications/versions-licenses'],
  ['admin_project_menu', 'Projects', '/secure/project/ViewProjects.jspa'],
  ['admin_issues_menu', 'Issues', '/secure/admin/ViewIssueTypes.jspa'],
  ['admin_plugins_menu', 'Manage apps', '/plugins/servlet/upm'],
  ['admin_users_menu', 'User management', '/secure/admin/user/UserBrowser.jspa'],
  ['admin_system_menu', 'System', '/secure/admin/ViewApplicationProperties.jspa'],
];

export function adminSections(): readonly (readonly [string, string, string])[] {
  return ADMIN_SECTIONS;
}

function li(site: Site, id: string, label: string, path: string, extra = ''): string {
  const role = site.flavour.ariaRoles ? ' role="presentation"' : '';
  return `<li${role}><a id="${id}" class=""${extra} href="${esc(sitePath(site, path))}">${esc(label)}</a></li>`;
}

function userMenu(site: Site, user: SimUser, atlToken: string): string {
  const { flavour } = site;
  const ul = (id: string) =>
    `<ul id="${id}" class="aui-list-truncate"${flavour.ariaRoles ? ' role="menu"' : ''}>`;
  const avatar = sitePath(
    site,
    `/secure/useravatar?size=small&ownerId=${encodeURIComponent(user.name)}&avatarId=10122`,
  );
  const title = `User profile for ${user.displayName}`;
  const jira10 = flavour.versionNumbers[0] >= 10;
  const triggerExtra = jira10
    ? ` aui-button-round" aria-label="User Profile" aria-controls="user-options-content`
    : '';
  const themeItem = flavour.hasDarkTheme
    ? `<li role="presentation"><aui-item-link id="theme-button" href="${esc(
        sitePath(
          site,
          `/secure/UpdateUserTheme.jspa?colorMode=${user.colorMode === 'dark' ? 'light' : 'dark'}&atl_token=${atlToken}`,
        ),
      )}">Theme</aui-item-link></li>`
    : '';
  const a11y = flavour.hasAccessibilityItem
    ? li(
        site,
        'a11y-personal-settings-link',
        'Accessibility',
        '/secure/ViewPersonalSettings.jspa',
        ' title="Accessibility settings"',
      )
    : '';
  return `<li id="user-options">
  <a id="header-details-user-fullname" class="aui-dropdown2-trigger aui-dropdown2-trigger-arrowless${triggerExtra}" aria-haspopup="true" aria-owns="user-options-content" data-username="${esc(user.name)}" data-displayname="${esc(user.displayName)}" href="${esc(sitePath(site, '/secure/ViewProfile.jspa'))}" title="${esc(title)}"><span class="aui-avatar aui-avatar-small"><span class="aui-avatar-inner"><img src="${esc(avatar)}" alt="${esc(title)}"></span></span></a>
  <div id="user-options-content" class="aui-dropdown2 aui-style-default">
    <div class="aui-dropdown2-section">
      ${ul('personal')}
        ${li(site, 'view_profile', 'Profile', '/secure/ViewProfile.jspa', ' title="View and change your details and preferences"')}
        ${a11y}
        ${themeItem}
        ${li(site, 'upm-requests-link', 'Atlassian Marketplace', '/plugins/servlet/upm/requests?source=header_user')}
      </ul>
    </div>
    <div class="aui-dropdown2-section">
      <strong>My Jira Home</strong>
      ${ul('set_my_jira_home')}
        <li${flavour.ariaRoles ? ' role="presentation"' : ''}><a id="set_my_jira_home_default" class="aui-dropdown2-radio interactive checked" href="${esc(
          sitePath(
            site,
            `/secure/UpdateMyJiraHome.jspa?target=com.atlassian.jira.jira-my-home-plugin:set_my_jira_home_dashboard&atl_token=${atlToken}`,
          ),
        )}">Dashboard</a></li>
      </ul>
    </div>
    <div class="aui-dropdown2-section">
      ${ul('system')}
        ${li(site, 'log_out', 'Log Out', `/logout?atl_token=${atlToken}`, ' title="Log out and cancel any automatic login."')}
      </ul>
    </div>
  </div>
</li>`;
}

function anonymousMenu(site: Site, destination: string): string {
  const href = sitePath(site, `/login.jsp?os_destination=${encodeURIComponent(destination)}`);
  return `<li id="user-options">
  <a class="aui-nav-link login-link" href="${esc(href)}">Log In</a>
  <div id="user-options-content" class="aui-dropdown2 aui-style-default"><div class="aui-dropdown2-section"></div></div>
</li>`;
}

function adminMenu(site: Site): string {
  const items = ADMIN_SECTIONS.map(([id, label, path]) => li(site, id, label, path)).join('');
  return `<li id="system-admin-menu">
  <a class="aui-nav-link aui-dropdown2-trigger aui-dropdown2-trigger-arrowless" id="admin_menu" aria-haspopup="true" aria-owns="system-admin-menu-content" aria-controls="system-admin-menu-content" href="${esc(
    sitePath(site, '/secure/project/ViewProjects.jspa'),
  )}" title="Administration"><span class="aui-icon aui-icon-small aui-iconfont-configure">Jira Administration</span></a>
  <div id="system-admin-menu-content" class="aui-dropdown2 aui-style-default"><div class="aui-dropdown2-section"><ul id="system-admin-menu-content-section" class="aui-list-truncate">${items}</ul></div></div>
</li>`;
}

export function jiraHeader(site: Site, options: JiraHeaderOptions): string {
  const p = (path: string) => esc(sitePath(site, path));
  const nav = (id: string, label: string, path: string, title: string) =>
    `<li><a href="${p(path)}" class="aui-nav-link aui-dropdown2-trigger jira-dropdown2-ajax" id="${id}" aria-haspopup="true" aria-owns="${id}-content" title="${esc(title)}">${esc(label)}</a><div class="aui-dropdown2 aui-style-default" id="${id}-content"><div class="aui-dropdown2-section"><ul class="aui-list-truncate"><li><a href="${p(path)}">${esc(label)}</a></li></ul></div></div></li>`;
  return `<header id="header" role="banner">
<nav class="aui-header aui-dropdown2-trigger-group" aria-label="site">
<div class="aui-header-inner">
  <div class="aui-header-primary">
    <span id="logo" class="aui-header-logo aui-header-logo-custom"><a href="${p('/secure/MyJiraHome.jspa')}"><img src="${p('/images/sim/jira-logo.svg')}" alt="Jira"></a></span>
    <ul class="aui-nav">
      ${nav('home_link', 'Dashboards', '/secure/Dashboard.jspa', 'View and manage your dashboards')}
      ${nav('browse_link', 'Projects', '/browse/DEMO', 'View recent projects and browse a list of projects')}
      ${nav('find_link', 'Issues', '/issues/', 'Search for issues and view recent issues')}
      ${options.user ? `<li id="create-menu"><a id="create_link" class="aui-button aui-button-primary aui-style create-issue" title="Create a new issue / bug / feature request / etc" href="${p('/secure/CreateIssue!default.jspa')}">Create</a></li>` : ''}
    </ul>
  </div>
  <div class="aui-header-secondary">
    <ul class="aui-nav">
      <li id="quicksearch-menu"><form action="${p('/secure/QuickSearch.jspa')}" method="get" id="quicksearch" class="aui-quicksearch dont-default-focus ajs-dirty-warning-exempt"><input id="quickSearchInput" autocomplete="off" class="search" type="text" title="Search" placeholder="Search" name="searchString" accesskey="q"><input type="submit" class="hidden" value="Search"></form></li>
      <li id="system-help-menu"><a class="aui-nav-link aui-dropdown2-trigger aui-dropdown2-trigger-arrowless" id="help_menu" aria-haspopup="true" aria-owns="system-help-menu-content" href="https://docs.atlassian.com/jira/" target="_blank" title="Help"><span class="aui-icon aui-icon-small aui-iconfont-question-filled">Help</span></a><div id="system-help-menu-content" class="aui-dropdown2 aui-style-default"><div class="aui-dropdown2-section"><ul id="jira-help" class="aui-list-truncate"><li><a id="view_core_help" class="aui-nav-link" href="https://docs.atlassian.com/jira/" target="_blank">Jira Help</a></li><li><a id="keyshortscuthelp" href="${p('/secure/ViewKeyboardShortcuts!default.jspa')}">Keyboard Shortcuts</a></li><li><a id="view_about" href="${p('/secure/AboutPage.jspa')}">About Jira</a></li></ul></div></div></li>
      ${options.isAdmin ? adminMenu(site) : ''}
      ${options.user ? userMenu(site, options.user, options.atlToken) : anonymousMenu(site, options.destination)}
    </ul>
  </div>
</div>
</nav>
</header>`;
}
