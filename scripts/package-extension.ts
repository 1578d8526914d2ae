// `npm run package`: dist/api-token-auth-chrome-<version>.zip, dist/api-token-auth-firefox-<version>.zip
// and dist/api-token-auth-source-<version>.zip (for Mozilla's review), version from package.json.
// ATA_EXTENSION_SITES builds sites in, as for `npm run build` (self-hosted packages only).
import { resolve } from 'node:path';
import { packageExtension } from '../extension/package.ts';
import { parseSiteList } from '../extension/storage/site-url.ts';

try {
  await packageExtension({
    outDir: resolve(import.meta.dirname, '..', 'dist'),
    sites: parseSiteList(process.env.ATA_EXTENSION_SITES),
    log: (line) => console.log(`[package-extension] ${line}`),
  });
} catch (error) {
  console.error(`[package-extension] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
