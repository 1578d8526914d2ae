// Pure helpers for site URLs: shared by the build (built-in sites), the options page, the
// background worker and the content script, so all four agree on what "a site" is.

/** A site's base URL, normalised: origin + context path, no trailing slash, no query or hash. */
export function normaliseSiteUrl(input: string): string | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path}`;
}

/**
 * The WebExtension match pattern covering a site's pages. Match patterns cannot carry a port
 * in Firefox (and Chrome ignores a missing one), so the port is dropped; the content script
 * narrows back to the exact configured site with `pageBelongsToSite`.
 */
export function siteMatchPattern(siteUrl: string): string {
  const url = new URL(siteUrl);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.hostname}${path}/*`;
}

/** The origin pattern used for host permissions (`optional_host_permissions`, `permissions.request`). */
export function originPattern(siteUrl: string): string {
  const url = new URL(siteUrl);
  return `${url.protocol}//${url.hostname}/*`;
}

/** Whether a page URL lies under a site's base URL (same origin, path prefix on a segment boundary). */
export function pageBelongsToSite(pageUrl: string, siteUrl: string): boolean {
  let page: URL;
  let site: URL;
  try {
    page = new URL(pageUrl);
    site = new URL(siteUrl);
  } catch {
    return false;
  }
  if (page.origin !== site.origin) return false;
  const prefix = site.pathname.replace(/\/+$/, '');
  return prefix === '' || page.pathname === prefix || page.pathname.startsWith(`${prefix}/`);
}

/**
 * The companion's default location: `<site>/api-token-auth`, under the context path, because
 * the site's session cookie is scoped to the context path and must reach the companion.
 */
export function defaultCompanionUrl(siteUrl: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/api-token-auth`;
}

/** Parses the build-time list `ATA_EXTENSION_SITES` (comma or whitespace separated). */
export function parseSiteList(value: string | undefined): string[] {
  if (!value) return [];
  const sites: string[] = [];
  for (const entry of value.split(/[\s,]+/).filter(Boolean)) {
    const site = normaliseSiteUrl(entry);
    if (!site) throw new Error(`ATA_EXTENSION_SITES: "${entry}" is not an http(s) URL`);
    if (!sites.includes(site)) sites.push(site);
  }
  return sites;
}
