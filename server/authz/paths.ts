import type { Product } from '../config.ts';

/*
 * Which request paths may carry what. One rule for "is this path plain", used twice: the
 * companion refuses request targets that are not (server/app.ts), and a token is refused on a
 * site path that is not, because the site (Tomcat) would normalise it to somewhere else:
 * `/rest/../secure/Admin.jspa`, `/rest/%2e%2e/…`, `/rest/x/..;/…`.
 */

// Dot segments, empty segments, backslashes, path parameters (Tomcat's `;jsessionid=…`, `..;`)
// and encoded dots, slashes and backslashes: anything a server may resolve differently than a
// prefix match reads it.
const NOT_PLAIN = /\/\.\.?(?:\/|$)|\/\/|\\|;|%2e|%2f|%5c/i;

/** The path of a request target or URI (without query or fragment). */
export function pathOf(target: string): string {
  const end = target.search(/[?#]/);
  return end < 0 ? target : target.slice(0, end);
}

/** True when the path part of a request target is plain: `/a/b`, nothing a server might rewrite. */
export function isPlainPath(target: string): boolean {
  const path = pathOf(target);
  return path.startsWith('/') && !NOT_PLAIN.test(path);
}

/**
 * Where a token may be used on the site: the REST API, and the download paths that scripts need
 * (Jira's attachments, Confluence's downloads). Web pages and their form actions stay for
 * browser sessions: a token opens neither the UI nor its state-changing GET actions.
 */
export function tokenPaths(product: Product, contextPath: string): (target: string) => boolean {
  const context = contextPath.replace(/\/+$/, '');
  const prefixes = [
    `${context}/rest/`,
    product === 'jira' ? `${context}/secure/attachment/` : `${context}/download/`,
  ];
  return (target) => {
    if (!isPlainPath(target)) return false;
    const path = pathOf(target);
    return prefixes.some((prefix) => path.startsWith(prefix));
  };
}
