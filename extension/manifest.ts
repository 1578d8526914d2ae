// The manifest, built per target browser. Least permissions: `storage` and `scripting` only;
// sites are optional host permissions granted from the options page, except the sites listed
// at build time (ATA_EXTENSION_SITES), whose host permissions and content-script matches are
// built in so they work with no setup at all.
import type { ManifestV3Export } from '@crxjs/vite-plugin';
import { originPattern, siteMatchPattern } from './storage/site-url.ts';

export type BuildTarget = 'chrome' | 'firefox';

export const CONTENT_SCRIPT = 'content/index.ts';
export const GECKO_ID = 'api-token-auth@extension.invalid';

export interface ManifestOptions {
  target: BuildTarget;
  version: string;
  sites: string[];
}

type Manifest = Extract<ManifestV3Export, { manifest_version: number }>;

export function buildManifest({ target, version, sites }: ManifestOptions): Manifest {
  const hostPermissions = [...new Set(sites.map(originPattern))];
  const manifest: Manifest = {
    manifest_version: 3,
    name: '__MSG_extName__',
    short_name: 'API Tokens',
    description: '__MSG_extDescription__',
    version,
    default_locale: 'en',
    permissions: ['storage', 'scripting'],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    options_ui: { page: 'options/index.html', open_in_tab: true },
    background:
      target === 'firefox'
        ? { scripts: ['background/main.ts'], type: 'module' }
        : { service_worker: 'background/main.ts', type: 'module' },
  };
  if (hostPermissions.length > 0) manifest.host_permissions = hostPermissions;
  if (sites.length > 0) {
    manifest.content_scripts = [
      { matches: [...new Set(sites.map(siteMatchPattern))], js: [CONTENT_SCRIPT], run_at: 'document_end' },
    ];
  }
  if (target === 'chrome') {
    manifest.minimum_chrome_version = '120';
    manifest.storage = { managed_schema: 'managed_schema.json' };
  } else {
    // `gecko_android` is missing from crxjs's manifest type, hence the assignment through Object.assign.
    Object.assign(manifest, {
      browser_specific_settings: {
        gecko: {
          id: GECKO_ID,
          strict_min_version: '140.0',
          // Nothing leaves the browser except calls to the person's own site and companion.
          data_collection_permissions: { required: ['none'] },
        },
        gecko_android: { strict_min_version: '142.0' },
      },
    });
  }
  return manifest;
}
