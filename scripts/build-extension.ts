// `npm run build`: writes dist/extension/chrome and dist/extension/firefox.
// ATA_EXTENSION_SITES="https://jira.example.com,https://wiki.example.com/confluence" builds
// those sites in (host permissions and content-script matches), so they need no setup.
import { resolve } from 'node:path';
import { buildExtension } from '../extension/build.ts';
import { parseSiteList } from '../extension/storage/site-url.ts';

const outDir = resolve(import.meta.dirname, '..', 'dist', 'extension');
try {
  await buildExtension({
    outDir,
    sites: parseSiteList(process.env.ATA_EXTENSION_SITES),
    log: (line) => console.log(`[build-extension] ${line}`),
  });
} catch (error) {
  console.error(`[build-extension] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
