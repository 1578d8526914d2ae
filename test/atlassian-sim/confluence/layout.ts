import { esc, meta, renderPage } from '../html.ts';
import { xsrfHex } from '../sessions.ts';
import type { SimContext, Site } from '../site.ts';
import { baseUrl, destinationOf } from '../site.ts';
import { confluenceHeader } from './header.ts';

// A complete Confluence page: Confluence's meta tags (no application-name), the header, the body id and classes.
export function confluenceAtlToken(ctx: SimContext, site: Site): string {
  return xsrfHex(site.secret, ctx.state.session?.id);
}

export function renderConfluencePage(
  ctx: SimContext,
  site: Site,
  options: { title: string; content: string; bodyClass: string },
): string {
  const { flavour, state } = site;
  const user = ctx.state.user;
  const isAdmin = user !== null && state.directory.isAdmin(user);
  const base = baseUrl(ctx, site);
  const token = confluenceAtlToken(ctx, site);
  const metas = [
    `<meta id="confluence-context-path" name="confluence-context-path" content="${esc(site.contextPath)}">`,
    `<meta id="confluence-base-url" name="confluence-base-url" content="${esc(base)}">`,
    `<meta id="atlassian-token" name="atlassian-token" content="${esc(token)}">`,
    meta('ajs-base-url', base),
    meta('ajs-context-path', site.contextPath),
    meta('ajs-version-number', flavour.version),
    meta('ajs-build-number', flavour.buildNumber),
    meta('ajs-remote-user', user?.name ?? ''),
    meta('ajs-remote-user-key', user?.confluenceKey ?? ''),
    meta('ajs-current-user-fullname', user?.displayName ?? ''),
    meta('ajs-is-confluence-admin', isAdmin),
    meta('ajs-atl-token', token),
    meta('ajs-user-locale', 'en_GB'),
    meta('ajs-site-title', 'Confluence'),
  ];
  return renderPage(site, {
    title: `${options.title} - Confluence`,
    metas,
    bodyAttrs: `id="com-atlassian-confluence" class="theme-default ${esc(options.bodyClass)} aui-layout aui-theme-default" data-aui-version="${esc(flavour.auiVersion)}"`,
    header: confluenceHeader(site, { user, isAdmin, destination: destinationOf(ctx) }),
    content: options.content,
  });
}
