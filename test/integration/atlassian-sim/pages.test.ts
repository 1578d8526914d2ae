import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlavourName, type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { call, formLogin } from './client.ts';

// The server-rendered pages: meta tags, header variants, and the administration pages behind WebSudo.
const sims = new Map<FlavourName, Simulator>();
const sim = (f: FlavourName) => sims.get(f) as Simulator;
const metaOf = (html: string, name: string) =>
  new RegExp(`<meta name="${name.replace('.', '\\.')}" content="([^"]*)"`).exec(html)?.[1];

beforeAll(async () => {
  sims.set('jira9', await startSimulator({ flavour: 'jira9', contextPath: '/jira' }));
  sims.set('jira8', await startSimulator({ flavour: 'jira8' }));
  sims.set('confluence8', await startSimulator({ flavour: 'confluence8', contextPath: '/confluence' }));
  sims.set('confluence7', await startSimulator({ flavour: 'confluence7', webSudo: false }));
});
afterAll(async () => {
  for (const s of sims.values()) await s.close();
});

describe('Jira pages', () => {
  it('the dashboard of a logged-in user carries the meta tags and the user menu', async () => {
    const { cookie } = await formLogin(sim('jira9').baseUrl, 'jira', 'alice');
    const html = (await call(`${sim('jira9').baseUrl}/secure/Dashboard.jspa`, { cookie })).text;
    expect(html).toContain(
      '<meta name="application-name" content="JIRA" data-name="jira" data-version="10.3.6">',
    );
    expect(metaOf(html, 'ajs-base-url')).toBe(sim('jira9').baseUrl);
    expect(metaOf(html, 'ajs-context-path')).toBe('/jira');
    expect(metaOf(html, 'ajs-remote-user')).toBe('alice');
    expect(metaOf(html, 'ajs-remote-user-fullname')).toBe('Alice Doe');
    expect(metaOf(html, 'ajs-is-admin')).toBe('false');
    expect(html).toMatch(
      /<meta id="atlassian-token" name="atlassian-token" content="[0-9A-F]{4}(-[0-9A-F]{4}){3}_[0-9a-f]{40}_lin">/,
    );
    expect(html).toContain('id="header-details-user-fullname"');
    expect(html).toContain('data-username="alice"');
    expect(html).toMatch(/<ul id="personal" class="aui-list-truncate" role="menu">/);
    expect(html).toContain('id="theme-button"');
    expect(html).toMatch(
      /<body id="jira" class="aui-layout aui-theme-default page-type-dashboard" data-version="10.3.6" data-aui-version="9\.13\.6">/,
    );
  });

  it('Jira 8 has the Accessibility item and no theme item', async () => {
    const { cookie } = await formLogin(sim('jira8').baseUrl, 'jira', 'bob');
    const html = (await call(`${sim('jira8').baseUrl}/secure/Dashboard.jspa`, { cookie })).text;
    expect(html).toContain('id="a11y-personal-settings-link"');
    expect(html).not.toContain('theme-button');
    expect(html).toContain('data-version="8.20.30"');
  });

  it('the anonymous dashboard has the Log In link and still an (empty) user dropdown', async () => {
    const html = (await call(`${sim('jira9').baseUrl}/secure/Dashboard.jspa`)).text;
    expect(html).toContain(
      'class="aui-nav-link login-link" href="/jira/login.jsp?os_destination=%2Fsecure%2FDashboard.jspa"',
    );
    expect(html).toContain(
      '<div id="user-options-content" class="aui-dropdown2 aui-style-default"><div class="aui-dropdown2-section"></div></div>',
    );
    expect(metaOf(html, 'ajs-remote-user')).toBe('');
    expect(html).toMatch(/name="atlassian-token" content="[^"]+_lout"/);
  });

  it('the dark theme is chosen in the user menu and renders data-color-mode="dark"', async () => {
    const base = sim('jira9').baseUrl;
    const { cookie } = await formLogin(base, 'jira', 'carol');
    const html = (await call(`${base}/secure/Dashboard.jspa`, { cookie })).text;
    const toggle = /<aui-item-link id="theme-button" href="([^"]+)"/
      .exec(html)?.[1]
      ?.replaceAll('&amp;', '&');
    expect(toggle).toContain('colorMode=dark');
    await call(`${sim('jira9').origin}${toggle}`, { cookie });
    const dark = (await call(`${base}/secure/Dashboard.jspa`, { cookie })).text;
    expect(dark).toContain('data-color-mode="dark"');
    expect(dark).toContain('aui-prototyping-design-tokens-base-themes-css.css');
    expect((await call(`${base}/secure/Dashboard.jspa?theme=light`, { cookie })).text).toContain(
      'data-color-mode="light"',
    );
  });

  it('admin pages: login first, a permission violation for non-admins, WebSudo for admins, then the sidebar', async () => {
    const base = sim('jira9').baseUrl;
    const users = `${base}/secure/admin/user/UserBrowser.jspa`;
    expect((await call(users)).headers.location).toBe(
      '/jira/login.jsp?os_destination=%2Fsecure%2Fadmin%2Fuser%2FUserBrowser.jspa',
    );
    const alice = await formLogin(base, 'jira', 'alice');
    const denied = await call(users, { cookie: alice.cookie });
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('Permission Violation');

    const admin = await formLogin(base, 'jira', 'admin');
    const sudo = await call(users, { cookie: admin.cookie });
    expect(sudo.status).toBe(302);
    expect(sudo.headers['x-atlassian-websudo']).toBe('Require-Authentication');
    expect(sudo.headers.location).toContain(
      '/jira/secure/admin/WebSudoAuthenticate!default.jspa?webSudoDestination=',
    );
    const form = (await call(`${sim('jira9').origin}${sudo.headers.location}`, { cookie: admin.cookie }))
      .text;
    expect(form).toContain('name="webSudoPassword"');
    const wrong = await call(`${base}/secure/admin/WebSudoAuthenticate.jspa`, {
      cookie: admin.cookie,
      form: { webSudoPassword: 'nope', webSudoDestination: '/secure/admin/user/UserBrowser.jspa' },
    });
    expect(wrong.text).toContain('incorrect');
    const right = await call(`${base}/secure/admin/WebSudoAuthenticate.jspa`, {
      cookie: admin.cookie,
      form: { webSudoPassword: 'admin', webSudoDestination: '/secure/admin/user/UserBrowser.jspa' },
    });
    expect(right.headers.location).toBe('/jira/secure/admin/user/UserBrowser.jspa');

    const page = await call(users, { cookie: admin.cookie });
    expect(page.status).toBe(200);
    expect(page.headers['x-atlassian-websudo']).toBe('Has-Authentication');
    expect(metaOf(page.text, 'admin.active.section')).toBe('admin_users_menu/users_groups_section');
    expect(metaOf(page.text, 'admin.active.tab')).toBe('user_browser');
    expect(metaOf(page.text, 'ajs-in-admin-mode')).toBe('true');
    expect(page.text).toContain('page-type-admin');
    expect(page.text).toContain(
      '<div class="admin-menu-links"><div class="aui-nav-heading">User management</div><ul class="aui-nav"><li class="aui-nav-selected"><a href="/jira/secure/admin/user/UserBrowser.jspa" id="user_browser">Users</a></li><li><a href="/jira/secure/admin/user/GroupBrowser.jspa" id="group_browser">Groups</a></li></ul></div>',
    );
    expect(page.text).toContain('id="admin-search-link"');
    expect(page.text).toContain('<li id="system-admin-menu">');
    expect(page.text).toContain('id="admin_users_menu"');
  });

  it('Basic-authenticated admins are exempt from WebSudo', async () => {
    const res = await call(`${sim('jira9').baseUrl}/secure/admin/user/GroupBrowser.jspa`, {
      basic: ['admin', 'admin'],
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain(
      '<li class="aui-nav-selected"><a href="/jira/secure/admin/user/GroupBrowser.jspa" id="group_browser">',
    );
  });

  it('logout clears the session', async () => {
    const { cookie } = await formLogin(sim('jira9').baseUrl, 'jira', 'alice');
    const out = await call(`${sim('jira9').baseUrl}/logout`, { cookie });
    expect(out.headers['set-cookie']?.[0]).toMatch(/^JSESSIONID=;/);
    expect((await call(`${sim('jira9').baseUrl}/rest/api/2/myself`, { cookie })).status).toBe(401);
  });
});

describe('Confluence pages', () => {
  it('the dashboard carries Confluence meta tags and the user menu sections', async () => {
    const base = sim('confluence8').baseUrl;
    const { cookie } = await formLogin(base, 'confluence', 'alice');
    const html = (await call(`${base}/index.action`, { cookie })).text;
    expect(html).toContain(
      '<meta id="confluence-context-path" name="confluence-context-path" content="/confluence">',
    );
    expect(html).toContain(`<meta id="confluence-base-url" name="confluence-base-url" content="${base}">`);
    expect(metaOf(html, 'ajs-remote-user')).toBe('alice');
    expect(metaOf(html, 'ajs-remote-user-key')).toMatch(/^[0-9a-f]{32}$/);
    expect(metaOf(html, 'ajs-current-user-fullname')).toBe('Alice Doe');
    expect(metaOf(html, 'ajs-is-confluence-admin')).toBe('false');
    expect(metaOf(html, 'ajs-atl-token')).toMatch(/^[0-9a-f]{40}$/);
    expect(metaOf(html, 'ajs-version-number')).toBe('8.5.7');
    expect(html).not.toContain('application-name');
    expect(html).toContain(
      '<body id="com-atlassian-confluence" class="theme-default dashboard aui-layout aui-theme-default"',
    );
    expect(html).toContain('id="user-menu-link-user-preferences"');
    expect(html).toMatch(/<ul role="menu" aria-label="[^"]+" id="user-menu-link-user-preferences"/);
    expect(html).toContain('id="user-settings-link"');
    expect(html).toContain('id="logout-link"');
  });

  it('Confluence 7 menus have no ARIA roles; anonymous pages show the login link', async () => {
    const base = sim('confluence7').baseUrl;
    const { cookie } = await formLogin(base, 'confluence', 'bob');
    const html = (await call(`${base}/display/DEMO/Home`, { cookie })).text;
    expect(html).toContain('id="user-menu-link"');
    expect(html).not.toContain('role="menuitem"');
    const anonymous = (await call(`${base}/index.action`)).text;
    expect(anonymous).toContain('id="login-link"');
    expect(anonymous).toContain('/login.action?os_destination=%2Findex.action');
    expect(anonymous).not.toContain('id="user-menu-link"');
  });

  it('Users & Security admin: Not Permitted for users, WebSudo at /authenticate.action for admins', async () => {
    const base = sim('confluence8').baseUrl;
    const browse = `${base}/admin/users/browseusers.action`;
    const bob = await formLogin(base, 'confluence', 'bob');
    expect((await call(browse, { cookie: bob.cookie })).text).toContain('Not Permitted');
    const admin = await formLogin(base, 'confluence', 'admin');
    const sudo = await call(browse, { cookie: admin.cookie });
    expect(sudo.headers.location).toBe(
      '/confluence/authenticate.action?destination=%2Fadmin%2Fusers%2Fbrowseusers.action',
    );
    const form = (
      await call(`${sim('confluence8').origin}${sudo.headers.location}`, { cookie: admin.cookie })
    ).text;
    expect(form).toContain('id="password"');
    expect(form).toContain('id="authenticateButton"');
    await call(`${base}/doauthenticate.action`, {
      cookie: admin.cookie,
      form: { password: 'admin', destination: '/admin/users/browseusers.action' },
    });
    const page = (await call(browse, { cookie: admin.cookie })).text;
    expect(page).toContain('<strong>Users &amp; Security</strong>');
    expect(page).toContain(
      '<li class="aui-nav-selected"><a id="users-link" href="/confluence/admin/users/browseusers.action">Users</a></li>',
    );
  });

  it('without WebSudo (option off) the admin page opens directly; logout clears the session', async () => {
    const base = sim('confluence7').baseUrl;
    const admin = await formLogin(base, 'confluence', 'admin');
    expect((await call(`${base}/admin/users/browseusers.action`, { cookie: admin.cookie })).status).toBe(200);
    const out = await call(`${base}/logout.action`, { cookie: admin.cookie });
    expect(out.headers.location).toBe('/login.action?logout=true');
    expect((await call(`${base}/rest/api/user/current`, { cookie: admin.cookie })).json.type).toBe(
      'anonymous',
    );
  });
});
