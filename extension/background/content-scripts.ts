// Keeps the dynamically registered content script in step with the configured sites. Sites
// built in at build time are covered by the manifest's own `content_scripts`; policy and
// options-page sites are registered here, once their host permission has been granted.
import contentScript from '../content/index.ts?script';
import { browser } from '../platform.ts';
import { originPattern, siteMatchPattern } from '../storage/site-url.ts';
import type { SiteConfig } from '../storage/sites.ts';

const SCRIPT_ID = 'api-token-auth-sites';

async function granted(site: SiteConfig): Promise<boolean> {
  return browser.permissions.contains({ origins: [originPattern(site.siteUrl)] });
}

/** Registers the content script for every non-built-in site with a granted permission; returns their URLs. */
export async function syncContentScripts(sites: SiteConfig[]): Promise<string[]> {
  const dynamic: SiteConfig[] = [];
  for (const site of sites) {
    if (site.source !== 'builtin' && (await granted(site))) dynamic.push(site);
  }
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
  if (existing.length > 0) await browser.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
  if (dynamic.length > 0) {
    await browser.scripting.registerContentScripts([
      {
        id: SCRIPT_ID,
        js: [contentScript],
        matches: [...new Set(dynamic.map((s) => siteMatchPattern(s.siteUrl)))],
        runAt: 'document_end',
        persistAcrossSessions: true,
      },
    ]);
  }
  return dynamic.map((s) => s.siteUrl);
}
