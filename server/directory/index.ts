import type { Product } from '../config.ts';
import { siteUnavailable } from '../errors.ts';
import type { DirectoryObserver, SiteLookup } from '../metrics/observers.ts';
import { TtlCache } from './cache.ts';
import { confluenceDirectory } from './confluence.ts';
import { jiraDirectory } from './jira.ts';
import type { SiteClient } from './site-client.ts';
import type { Directory, DirectoryUser, ProductDirectory, SiteCredential } from './types.ts';

export { createSiteClient, type SiteClient } from './site-client.ts';
export type { Directory, DirectoryUser, SiteCredential, UserSummary } from './types.ts';

// Jira answers /rest/api/2/serverInfo anonymously; Confluence answers /rest/api/user/current
// anonymously with {type:"anonymous"}. Anything else is not a site we support.
export async function detectProduct(site: SiteClient): Promise<Product> {
  const jira = await site.get('/rest/api/2/serverInfo');
  if (jira.status === 200 && typeof (jira.body as { baseUrl?: unknown } | null)?.baseUrl === 'string')
    return 'jira';
  const confluence = await site.get('/rest/api/user/current');
  if (confluence.status === 200 && typeof (confluence.body as { type?: unknown } | null)?.type === 'string') {
    return 'confluence';
  }
  throw siteUnavailable(`${site.siteUrl} does not look like Jira or Confluence; set ATA_PRODUCT.`);
}

export interface DirectoryOptions {
  site: SiteClient;
  product: Product;
  serviceAuth: string | undefined;
  adminGroups: string[];
  clock?: () => Date;
  // At most 30 s by contract: group and admin changes on the site apply within this time.
  ttlMs?: number;
  /** Told of every lookup that reached the site (server/metrics). */
  observer?: DirectoryObserver;
}

/** `ask`, timed and reported to the observer when there is one. */
async function observed<T>(
  observer: DirectoryObserver | undefined,
  lookup: SiteLookup,
  ask: () => Promise<T>,
): Promise<T> {
  if (observer === undefined) return ask();
  const started = performance.now();
  try {
    const answer = await ask();
    observer.siteLookup(lookup, (performance.now() - started) / 1000);
    return answer;
  } catch (err) {
    observer.siteLookup(lookup, (performance.now() - started) / 1000, err);
    throw err;
  }
}

// Wraps a product directory with short-lived caches. Credentials are cache keys only as SHA-256
// digests; negative answers (not logged in, unknown user) are not cached.
export function createDirectory(options: DirectoryOptions): Directory {
  const clock = options.clock ?? (() => new Date());
  const ttl = Math.min(options.ttlMs ?? 30_000, 30_000);
  const inner: ProductDirectory =
    options.product === 'jira'
      ? jiraDirectory({
          site: options.site,
          serviceAuth: options.serviceAuth,
          adminGroups: options.adminGroups,
        })
      : confluenceDirectory({
          site: options.site,
          serviceAuth: options.serviceAuth,
          adminGroups: options.adminGroups,
        });
  const callers = new TtlCache<DirectoryUser>(ttl, clock);
  const users = new TtlCache<DirectoryUser>(ttl, clock);
  // Looked up through the cache under `key` (a name or a user key), positive answers only.
  const cached = async (key: string, lookup: SiteLookup, ask: () => Promise<DirectoryUser | null>) => {
    const hit = users.get(key);
    if (hit) return hit;
    const user = await observed(options.observer, lookup, ask);
    if (user) users.set(key, user);
    return user;
  };

  return {
    product: inner.product,
    async whoAmI(credential: SiteCredential) {
      const key = TtlCache.key('who', credential.cookie ?? '', credential.authorization ?? '');
      const hit = callers.get(key);
      if (hit) return hit;
      const user = await observed(options.observer, 'who-am-i', () => inner.whoAmI(credential));
      if (user) callers.set(key, user);
      return user;
    },
    lookupUser: (username) =>
      cached(TtlCache.key('user', username.toLowerCase()), 'user', () => inner.lookupUser(username)),
    // User keys are compared exactly, so they are cached exactly (no lower-casing).
    lookupUserByKey: (key) =>
      cached(TtlCache.key('user-key', key), 'user-key', () => inner.lookupUserByKey(key)),
    searchUsers: (query, limit) => inner.searchUsers(query, limit),
    searchGroups: (query, limit) => inner.searchGroups(query, limit),
    groupExists: (name) => inner.groupExists(name),
    ping: () => inner.ping(),
  };
}
