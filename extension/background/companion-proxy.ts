// What the background fetches for a content script whose companion is on another origin: only
// companion API paths, only at the companion of the site the sending tab is on. Pure, so the
// rules are unit-tested; `main.ts` adds the fetch.
import type { SiteConfig } from '../storage/sites.ts';
import { siteForPage } from '../storage/sites.ts';
import type { CompanionRequest } from './messages.ts';

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/** Companion API paths only; no dot segments, no scheme or host smuggled in, no backslashes. */
export function allowedCompanionPath(path: string): boolean {
  if (typeof path !== 'string' || /[\\\s]|%2e|%2f|%5c/i.test(path) || path.includes('..')) return false;
  return /^\/(api\/v1\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*|healthz|readyz)$/.test(path);
}

/** The URL to fetch, or the reason the request is refused. */
export function companionTarget(
  sites: SiteConfig[],
  senderTabUrl: string | undefined,
  request: CompanionRequest,
): { url: string } | { refused: string } {
  const site = senderTabUrl ? siteForPage(sites, senderTabUrl) : null;
  if (!site) return { refused: 'This page is not on a configured site' };
  if (!METHODS.has(request.method)) return { refused: `Refused method ${String(request.method)}` };
  if (!allowedCompanionPath(request.path))
    return { refused: `Refused companion path ${String(request.path)}` };
  return { url: `${site.companionUrl}${request.path}` };
}
