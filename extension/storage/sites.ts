// The configured sites, from three sources: built in at build time, enterprise policy
// (storage.managed) and the person's own list (storage.local, versioned and validated on read).
import { defaultCompanionUrl, normaliseSiteUrl, pageBelongsToSite } from './site-url.ts';

export type SiteSource = 'builtin' | 'managed' | 'user';

export interface SiteConfig {
  siteUrl: string;
  companionUrl: string;
  source: SiteSource;
}

/** The part of `storage.StorageArea` used here; lets tests pass a plain in-memory area. */
export interface Area {
  get(key: string): Promise<Record<string, unknown>>;
  set?(items: Record<string, unknown>): Promise<void>;
}

export const STORAGE_KEY = 'ata.sites';
export const STORAGE_VERSION = 1;

interface StoredSitesV1 {
  version: 1;
  sites: { siteUrl: string; companionUrl: string }[];
}

/**
 * Upgrade steps, keyed by the version they upgrade from; add one whenever the stored shape
 * changes, so a person's list survives extension updates. Version 1 is the first shape.
 */
const migrations: Record<number, (old: unknown) => unknown> = {};

function storedVersion(value: unknown): number {
  if (value && typeof value === 'object' && typeof (value as { version?: unknown }).version === 'number') {
    return (value as { version: number }).version;
  }
  return -1;
}

/** Validates one entry; a bad one is dropped rather than breaking every site. */
export function toSiteConfig(entry: unknown, source: SiteSource): SiteConfig | null {
  if (!entry || typeof entry !== 'object') return null;
  const { siteUrl, companionUrl } = entry as { siteUrl?: unknown; companionUrl?: unknown };
  if (typeof siteUrl !== 'string') return null;
  const site = normaliseSiteUrl(siteUrl);
  if (!site) return null;
  const companion =
    typeof companionUrl === 'string' && companionUrl.trim() !== ''
      ? normaliseSiteUrl(companionUrl)
      : defaultCompanionUrl(site);
  if (!companion) return null;
  return { siteUrl: site, companionUrl: companion, source };
}

export function parseStoredSites(value: unknown): SiteConfig[] {
  let current = value;
  let version = storedVersion(current);
  if (version < 1) return [];
  while (version < STORAGE_VERSION) {
    const step = migrations[version];
    if (!step) return [];
    current = step(current);
    version = storedVersion(current);
  }
  const sites = (current as Partial<StoredSitesV1>).sites;
  if (!Array.isArray(sites)) return [];
  return sites.map((entry) => toSiteConfig(entry, 'user')).filter((s): s is SiteConfig => s !== null);
}

export async function readUserSites(local: Area): Promise<SiteConfig[]> {
  const items = await local.get(STORAGE_KEY);
  return parseStoredSites(items[STORAGE_KEY]);
}

export async function writeUserSites(local: Area, sites: SiteConfig[]): Promise<void> {
  const value: StoredSitesV1 = {
    version: 1,
    sites: sites.map(({ siteUrl, companionUrl }) => ({ siteUrl, companionUrl })),
  };
  await local.set?.({ [STORAGE_KEY]: value });
}

/** Policy sites; browsers without a policy (or without managed storage) simply have none. */
export async function readManagedSites(managed: Area | undefined): Promise<SiteConfig[]> {
  if (!managed) return [];
  try {
    const { sites } = await managed.get('sites');
    if (!Array.isArray(sites)) return [];
    return sites.map((e) => toSiteConfig(e, 'managed')).filter((s): s is SiteConfig => s !== null);
  } catch {
    return [];
  }
}

export const POLICY_CACHE_KEY = 'ata.policySitesSeen';

/**
 * The policy as last read, copied into storage.local. Chromium's first `storage.managed.get()`
 * after the browser starts takes seconds (2.8 s measured in a fresh profile, 1 ms afterwards),
 * storage.local a few milliseconds: the content script starts from this copy and only waits
 * for the policy itself on a page no faster source knows.
 */
export function cachedPolicy(local: Area): Area {
  return {
    get: async () => ({ sites: (await local.get(POLICY_CACHE_KEY))[POLICY_CACHE_KEY] }),
  };
}

/** The policy area, keeping `cachedPolicy` up to date on every read (written only when it changed). */
export function policyWithCache(managed: Area | undefined, local: Area): Area {
  return {
    get: async () => {
      const sites = (await readManagedSites(managed)).map(({ siteUrl, companionUrl }) => ({
        siteUrl,
        companionUrl,
      }));
      const seen = (await local.get(POLICY_CACHE_KEY))[POLICY_CACHE_KEY];
      if (JSON.stringify(seen) !== JSON.stringify(sites)) await local.set?.({ [POLICY_CACHE_KEY]: sites });
      return { sites };
    },
  };
}

/** All sites, earlier sources winning on the same base URL (policy beats the person's list). */
export async function readAllSites(builtin: string[], local: Area, managed?: Area): Promise<SiteConfig[]> {
  const all = [
    ...builtin.map((siteUrl) => toSiteConfig({ siteUrl }, 'builtin')),
    ...(await readManagedSites(managed)),
    ...(await readUserSites(local)),
  ].filter((s): s is SiteConfig => s !== null);
  const seen = new Set<string>();
  return all.filter((s) => !seen.has(s.siteUrl) && seen.add(s.siteUrl));
}

/** The site a page belongs to; the longest base URL wins (`/jira` over the bare origin). */
export function siteForPage(sites: SiteConfig[], pageUrl: string): SiteConfig | null {
  const matches = sites.filter((s) => pageBelongsToSite(pageUrl, s.siteUrl));
  matches.sort((a, b) => b.siteUrl.length - a.siteUrl.length);
  return matches[0] ?? null;
}
