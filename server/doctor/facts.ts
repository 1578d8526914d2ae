import type { Config, Product } from '../config.ts';
import type { Directory, DirectoryUser } from '../directory/index.ts';
import type { SiteClient } from '../directory/site-client.ts';

/** What the checks learn and share as they run, in order: a later check builds on an earlier one. */
export interface DoctorFacts {
  config: Config;
  site: SiteClient;
  fetch: typeof fetch;
  now: () => Date;
  timeoutMs: number;
  /** The proxy's public URL (--proxy-url), when the proxy is to be probed. */
  proxyUrl: string | undefined;
  /** The doctor's own user id, for the key file's owner. */
  uid: number | undefined;
  product?: Product;
  /** The site's `Date` header against this host's clock at the middle of the same request. */
  siteClock?: { site: Date | null; local: Date };
  /** Built once the product is known. */
  directory?: Directory;
  /** Who ATA_SERVICE_AUTH is, once the site accepted it. */
  serviceUser?: DirectoryUser;
}

export const siteName = (product: Product) => (product === 'jira' ? 'Jira' : 'Confluence');

/** Where the site says who the caller is (Jira until the product is known). */
export const whoAmIPath = (product: Product | undefined) =>
  product === 'confluence' ? '/rest/api/user/current' : '/rest/api/2/myself';
