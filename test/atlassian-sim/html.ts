import { auiUrls } from './assets.ts';
import type { Site } from './site.ts';
import { sitePath } from './site.ts';

// The HTML skeleton every simulated page shares: real jQuery 3 then real AUI, the product's meta tags, the header.
export function esc(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export function meta(name: string, content: string | boolean, extra = ''): string {
  return `<meta name="${esc(name)}" content="${esc(content)}"${extra}>`;
}

export interface PageParts {
  title: string;
  htmlAttrs?: string;
  metas: string[];
  bodyAttrs: string;
  header: string;
  content: string;
  /** Extra stylesheets (the dark theme). */
  styles?: string[];
}

export function renderPage(site: Site, parts: PageParts): string {
  const urls = auiUrls(site.flavour);
  const css = [urls.auiCss, ...(parts.styles ?? [])]
    .map((href) => `<link type="text/css" rel="stylesheet" href="${esc(sitePath(site, href))}" media="all">`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"${parts.htmlAttrs ?? ''}>
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=Edge">
<title>${esc(parts.title)}</title>
${parts.metas.join('\n')}
${css}
<link rel="stylesheet" href="${esc(sitePath(site, '/images/sim.css'))}">
<link rel="shortcut icon" href="${esc(sitePath(site, '/favicon.ico'))}">
<script src="${esc(sitePath(site, urls.jquery))}"></script>
<script src="${esc(sitePath(site, urls.auiJs))}"></script>
</head>
<body ${parts.bodyAttrs}>
<div id="page">
${parts.header}
<div id="content">
${parts.content}
</div>
<footer id="footer" role="contentinfo"><section class="footer-body"><ul class="atlassian-footer"><li>Atlassian ${esc(
    site.flavour.product === 'jira' ? 'Jira' : 'Confluence',
  )} <a class="seo-link" href="#">Project Management Software</a></li><li><span id="footer-build-information">(v${esc(
    site.flavour.version,
  )}#${esc(site.flavour.buildNumber)}-<span title="sim" data-commit-id="sim">simulated</span>)</span></li></ul></section></footer>
</div>
</body>
</html>`;
}

/** An AUI page panel with a main column, the layout of most product pages. */
export function panel(content: string, nav = ''): string {
  return `<div class="aui-page-panel"><div class="aui-page-panel-inner">${nav}<section class="aui-page-panel-content">${content}</section></div></div>`;
}
