import { auiUrls } from '../assets.ts';
import { esc, meta, renderPage } from '../html.ts';
import { jiraAtlToken } from '../sessions.ts';
import type { SimContext, Site } from '../site.ts';
import { baseUrl, destinationOf } from '../site.ts';
import { jiraHeader } from './header.ts';

// A complete Jira page: meta tags exactly as Jira renders them, the header, and the dark theme when chosen.
export interface JiraPageOptions {
  title: string;
  content: string;
  pageType: string;
  admin?: { section: string; tab: string };
}

export function atlToken(ctx: SimContext, site: Site): string {
  return jiraAtlToken(site.secret, ctx.state.session?.id);
}

export function colorMode(ctx: SimContext, site: Site): 'light' | 'dark' {
  if (!site.flavour.hasDarkTheme) return 'light';
  const asked = ctx.query.theme;
  if (asked === 'dark' || asked === 'light') return asked;
  return ctx.state.user?.colorMode ?? 'light';
}

export function renderJiraPage(ctx: SimContext, site: Site, options: JiraPageOptions): string {
  const { flavour, state } = site;
  const user = ctx.state.user;
  const isAdmin = user !== null && state.directory.isAdmin(user);
  const token = atlToken(ctx, site);
  // Jira also hands the XSRF token to scripts as a cookie, readable (not HttpOnly) by design.
  ctx.cookies.set('atlassian.xsrf.token', token, {
    httpOnly: false,
    path: site.contextPath || '/',
    sameSite: 'lax',
  });
  const dark = colorMode(ctx, site) === 'dark';
  const metas = [
    meta('application-name', 'JIRA', ` data-name="jira" data-version="${esc(flavour.version)}"`),
    meta('ajs-server-scheme', ctx.protocol),
    meta('ajs-base-url', baseUrl(ctx, site)),
    meta('ajs-context-path', site.contextPath),
    meta('ajs-version-number', flavour.version),
    meta('ajs-build-number', flavour.buildNumber),
    meta('ajs-remote-user', user?.name ?? ''),
    meta('ajs-remote-user-fullname', user?.displayName ?? ''),
    meta('ajs-is-admin', isAdmin),
    meta('ajs-is-sysadmin', isAdmin),
    meta('ajs-in-admin-mode', options.admin !== undefined),
    meta('ajs-app-title', 'Jira'),
    meta('ajs-user-locale', 'en_GB'),
    `<meta id="atlassian-token" name="atlassian-token" content="${esc(token)}">`,
    ...(options.admin
      ? [meta('admin.active.section', options.admin.section), meta('admin.active.tab', options.admin.tab)]
      : []),
  ];
  const urls = auiUrls(flavour);
  // Jira 10 themes through design tokens: AUI maps its variables to --ds-* whenever <html> names a theme other
  // than "original", and the tokens stylesheet defines --ds-* per html[data-color-mode][data-theme].
  return renderPage(site, {
    title: `${options.title} - Jira`,
    htmlAttrs: flavour.hasDarkTheme
      ? ` data-theme="dark:dark light:original spacing:spacing typography:typography" data-color-mode="${dark ? 'dark' : 'light'}"`
      : '',
    styles: flavour.hasDarkTheme ? [urls.tokensCss] : [],
    metas,
    bodyAttrs: `id="jira" class="aui-layout aui-theme-default page-type-${options.pageType}" data-version="${esc(flavour.version)}" data-aui-version="${esc(flavour.auiVersion)}"`,
    header: jiraHeader(site, { user, isAdmin, atlToken: token, destination: destinationOf(ctx) }),
    content: options.content,
  });
}
