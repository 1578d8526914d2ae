// Page detection: pure predicates over a document, tested on saved pages of every simulator
// flavour (test/unit/extension/page-detect.test.ts).

function meta(doc: Document, name: string): string | null {
  return doc.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? null;
}

/** Jira declares itself with `<meta name="application-name" content="JIRA">`. */
export function isJira(doc: Document = document): boolean {
  return meta(doc, 'application-name')?.toUpperCase() === 'JIRA';
}

/** Confluence has no application-name meta; its body id and base-URL meta identify it. */
export function isConfluence(doc: Document = document): boolean {
  return doc.body?.id === 'com-atlassian-confluence' || meta(doc, 'confluence-base-url') !== null;
}

export type Product = 'jira' | 'confluence';

export function product(doc: Document = document): Product | null {
  if (isJira(doc)) return 'jira';
  if (isConfluence(doc)) return 'confluence';
  return null;
}

/** The user name of the logged-in user, or null on anonymous pages (anonymous pages still carry the menu markup). */
export function remoteUser(doc: Document = document): string | null {
  const user = meta(doc, 'ajs-remote-user')?.trim();
  return user ? user : null;
}

export function isLoggedIn(doc: Document = document): boolean {
  return remoteUser(doc) !== null;
}

/** The site's base URL, context path included, without a trailing slash. */
export function baseUrl(doc: Document = document): string | null {
  const value = meta(doc, 'ajs-base-url') ?? meta(doc, 'confluence-base-url');
  return value ? value.replace(/\/+$/, '') : null;
}

/** The button that opens the user menu, where focus goes back when a panel opened from it closes. */
export function userMenuTrigger(doc: Document, which: Product): HTMLElement | null {
  return doc.querySelector<HTMLElement>(
    which === 'jira' ? '#header-details-user-fullname' : '#user-menu-link',
  );
}

/**
 * Dark theme: Jira 9.11+/Confluence 8.x with themes set `data-color-mode` on `<html>` (`dark`,
 * `light`, or `auto` = follow the system); older versions have no dark theme at all.
 */
export function isDarkTheme(doc: Document = document): boolean {
  const mode = doc.documentElement.getAttribute('data-color-mode');
  if (mode === 'dark') return true;
  if (mode !== 'auto') return false;
  return doc.defaultView?.matchMedia?.('(prefers-color-scheme: dark)').matches === true;
}
