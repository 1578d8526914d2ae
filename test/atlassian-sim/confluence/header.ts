import { esc } from '../html.ts';
import type { Site } from '../site.ts';
import { sitePath } from '../site.ts';
import type { SimUser } from '../users.ts';

// Confluence's header (`header#header > nav.aui-header`) with the user menu of `system.user` web-items:
// sections user-preferences, user-content and user-operations, and the cog menu for administrators.
export interface ConfluenceHeaderOptions {
  user: SimUser | null;
  isAdmin: boolean;
  destination: string;
}

interface Item {
  id: string;
  label: string;
  path: string;
  classes: string;
}

function section(site: Site, key: string, label: string, items: Item[], extraClass = ''): string {
  const aria = site.flavour.ariaRoles;
  const lis = items
    .map(
      (item) =>
        `<li${aria ? ' role="presentation"' : ''}><a id="${item.id}" href="${esc(sitePath(site, item.path))}" class="   ${item.classes} " title=""${aria ? ' role="menuitem"' : ''}><span>${esc(item.label)}</span></a></li>`,
    )
    .join('');
  return `<div class="aui-dropdown2-section"><ul${aria ? ` role="menu" aria-label="${esc(label)}"` : ''} id="user-menu-link-${key}" class="aui-list-truncate section-${key}${extraClass}">${lis}</ul></div>`;
}

function userMenu(site: Site, user: SimUser): string {
  const avatar = sitePath(site, `/images/icons/profilepics/default.svg`);
  return `<li>
  <a id="user-menu-link" class="aui-dropdown2-trigger aui-dropdown2-trigger-arrowless" aria-haspopup="true" data-username="${esc(user.name)}" href="" title="${esc(user.displayName)}" role="button" aria-controls="user-menu-link-content"${site.flavour.ariaRoles ? '' : ' aria-owns="user-menu-link-content"'}>
    <div class="aui-avatar aui-avatar-small"><div class="aui-avatar-inner"><img src="${esc(avatar)}" alt="User icon: ${esc(user.name)}" title="${esc(user.name)}"></div></div>
    <span class="aui-icon-dropdown"></span>
  </a>
  <nav id="user-menu-link-content" class="aui-dropdown2 aui-style-default" aria-hidden="true">
    ${section(site, 'user-preferences', 'User preferences', [{ id: 'view-user-history-link', label: 'Recently viewed', path: '/users/viewuserhistory.action', classes: 'user-item user-history popup-link' }], ' first')}
    ${section(site, 'user-content', 'User content', [
      {
        id: 'view-user-profile-link',
        label: 'Profile',
        path: '/users/viewmyprofile.action',
        classes: 'user-item user-profile',
      },
      {
        id: 'view-mytasks-link',
        label: 'Tasks',
        path: '/plugins/inlinetasks/mytasks.action',
        classes: 'user-item list-user-status',
      },
      {
        id: 'user-favourites-link',
        label: 'Saved for later',
        path: '/users/viewmyfavourites.action',
        classes: 'user-item',
      },
      {
        id: 'user-watches-link',
        label: 'Watches',
        path: '/users/viewnotifications.action',
        classes: 'user-item',
      },
      { id: 'user-drafts-link', label: 'Drafts', path: '/users/viewmydrafts.action', classes: 'user-item' },
      {
        id: 'user-network-link',
        label: 'Network',
        path: '/users/viewfollowing.action',
        classes: 'user-item',
      },
      {
        id: 'user-settings-link',
        label: 'Settings',
        path: '/users/viewmysettings.action',
        classes: 'user-item user-settings',
      },
      {
        id: 'upm-requests-link',
        label: 'Atlassian Marketplace',
        path: '/plugins/servlet/upm/requests?source=header_user',
        classes: 'user-item',
      },
    ])}
    ${section(site, 'user-operations', 'User operations', [{ id: 'logout-link', label: 'Log Out', path: '/logout.action', classes: 'user-item logout-link' }])}
  </nav>
</li>`;
}

function adminMenu(site: Site): string {
  const items: [string, string, string][] = [
    ['administration-link', 'General Configuration', '/admin/console.action'],
    ['admin-user-management-link', 'User management', '/admin/users/browseusers.action'],
    ['manage-apps-link', 'Manage apps', '/plugins/servlet/upm'],
  ];
  const lis = items
    .map(
      ([id, label, path]) => `<li><a id="${id}" href="${esc(sitePath(site, path))}">${esc(label)}</a></li>`,
    )
    .join('');
  return `<li><a id="admin-menu-link" class="aui-dropdown2-trigger aui-dropdown2-trigger-arrowless" href="#admin-menu-link-content" aria-haspopup="true" aria-controls="admin-menu-link-content" aria-owns="admin-menu-link-content" title="Settings"><span class="aui-icon aui-icon-small aui-iconfont-configure">Settings</span></a><nav id="admin-menu-link-content" class="aui-dropdown2 aui-style-default" aria-hidden="true"><div class="aui-dropdown2-section"><ul class="aui-list-truncate">${lis}</ul></div></nav></li>`;
}

export function confluenceHeader(site: Site, options: ConfluenceHeaderOptions): string {
  const p = (path: string) => esc(sitePath(site, path));
  const login = `<li><a href="${p(`/login.action?os_destination=${encodeURIComponent(options.destination)}`)}" class="   user-item login-link " id="login-link">Log in</a></li>`;
  return `<header id="header" role="banner">
<nav class="aui-header aui-dropdown2-trigger-group" aria-label="Site"><div class="aui-header-inner">
  <div class="aui-header-primary">
    <span id="logo" class="aui-header-logo aui-header-logo-custom"><a href="${p('/')}" aria-label="Go to home page"><img src="${p('/images/sim/confluence-logo.svg')}" alt="Confluence"></a></span>
    <ul class="aui-nav">
      <li><a id="space-directory-link" href="${p('/spacedirectory/view.action')}" class="aui-nav-imagelink" title="Spaces"><span>Spaces</span></a></li>
      <li><a id="people-directory-link" href="${p('/browsepeople.action')}" class="aui-nav-imagelink"><span>People</span></a></li>
      ${options.user ? `<li class="aui-buttons"><a id="create-page-button" class="aui-button aui-button-primary clc-create-dialog-btn" href="${p('/pages/createpage.action?spaceKey=DEMO')}" title="Create from template">Create</a></li>` : ''}
    </ul>
  </div>
  <div class="aui-header-secondary">
    <ul class="aui-nav">
      <li><form id="quick-search" class="aui-quicksearch dont-default-focus header-quicksearch" method="get" action="${p('/dosearchsite.action')}"><label for="quick-search-query" class="assistive">Quick Search</label><input id="quick-search-query" class="quick-search-query" type="text" accesskey="q" autocomplete="off" name="queryString" placeholder="Search"><input id="quick-search-submit" class="quick-search-submit hidden" type="submit" value="Search"></form></li>
      <li><a id="help-menu-link" class="aui-dropdown2-trigger aui-dropdown2-trigger-arrowless" href="#help-menu-link-content" aria-haspopup="true" aria-controls="help-menu-link-content" aria-owns="help-menu-link-content" title="Help"><span class="aui-icon aui-icon-small aui-iconfont-question-filled">Help</span></a><nav id="help-menu-link-content" class="aui-dropdown2 aui-style-default" aria-hidden="true"><div class="aui-dropdown2-section"><ul class="aui-list-truncate"><li><a id="confluence-help-link" href="https://docs.atlassian.com/confluence/" target="_blank">Online help</a></li><li><a id="keyboard-shortcuts-link" href="#">Keyboard shortcuts</a></li><li><a id="confluence-about-link" href="${p('/aboutconfluencepage.action')}">About Confluence</a></li></ul></div></nav></li>
      ${options.isAdmin ? adminMenu(site) : ''}
      ${options.user ? userMenu(site, options.user) : login}
    </ul>
  </div>
</div></nav>
</header>`;
}
