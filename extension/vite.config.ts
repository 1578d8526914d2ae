// Vite configuration of the extension, one build per target browser. `scripts/build-extension.ts`
// calls `extensionViteConfig` for each target; `vite build -c extension/vite.config.ts` builds
// the Chrome flavour from the environment alone.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import type { InlineConfig, Plugin } from 'vite';
import { type BuildTarget, buildManifest, CONTENT_SCRIPT } from './manifest.ts';
import { parseSiteList } from './storage/site-url.ts';

const root = dirname(fileURLToPath(import.meta.url));

export interface ExtensionBuildOptions {
  target: BuildTarget;
  outDir: string;
  sites: string[];
  version?: string;
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(root, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Chrome reads the enterprise-policy schema named in `storage.managed_schema`; crxjs does not copy it. */
function emitManagedSchema(): Plugin {
  return {
    name: 'ata:managed-schema',
    apply: 'build',
    generateBundle() {
      const source = readFileSync(resolve(root, 'managed_schema.json'), 'utf8');
      this.emitFile({ type: 'asset', fileName: 'managed_schema.json', source });
    },
  };
}

/**
 * crxjs exposes dynamically registered content scripts as web-accessible resources on every
 * site, which an ESM loader needs; our content script is one IIFE file and needs none, and a
 * web-accessible file lets any page detect the extension. Runs after crxjs's own manifest hook.
 */
function withoutWebAccessibleContentScript(): Plugin & {
  renderCrxManifest(manifest: ManifestLike): ManifestLike;
} {
  return {
    name: 'ata:no-web-accessible-content-script',
    enforce: 'post',
    renderCrxManifest(manifest) {
      const kept = (manifest.web_accessible_resources ?? [])
        .map((entry) => ({ ...entry, resources: entry.resources.filter((r) => !r.startsWith('content/')) }))
        .filter((entry) => entry.resources.length > 0);
      if (kept.length > 0) manifest.web_accessible_resources = kept;
      else delete manifest.web_accessible_resources;
      return manifest;
    },
  };
}

/**
 * Preact's one `innerHTML` assignment serves `dangerouslySetInnerHTML`, which the extension
 * never uses: it is replaced by a throw in every emitted file (the content script included,
 * which crxjs bundles in a separate build without our plugins, hence generateBundle), so no
 * page data can become markup through it and Mozilla's linter (UNSAFE_VAR_ASSIGNMENT) has
 * nothing to flag. Any other `innerHTML =` left in the output fails the build.
 */
export function withoutInnerHtmlAssignments(): Plugin {
  const preactAssignment = /\(\s*[\w$]+\.innerHTML\s*=\s*[\w$]+\.__html\s*\)/g;
  const anyAssignment = /\.(inner|outer)HTML\s*=(?!=)/;
  return {
    name: 'ata:no-inner-html-assignments',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (!file.fileName.endsWith('.js')) continue;
        const code = file.type === 'chunk' ? file.code : String(file.source);
        const safe = code.replace(
          preactAssignment,
          '(()=>{throw new Error("dangerouslySetInnerHTML is not supported")})()',
        );
        if (anyAssignment.test(safe)) this.error(`${file.fileName} assigns innerHTML or outerHTML`);
        if (file.type === 'chunk') file.code = safe;
        else file.source = safe;
      }
    },
  };
}

interface ManifestLike {
  web_accessible_resources?: { resources: string[] }[];
}

export function extensionViteConfig({ target, outDir, sites, version }: ExtensionBuildOptions): InlineConfig {
  const manifest = buildManifest({ target, version: version ?? packageVersion(), sites });
  return {
    root,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    define: {
      // The built-in sites travel into the bundle so the content script and background know them.
      __ATA_BUILTIN_SITES__: JSON.stringify(sites),
      __ATA_TARGET__: JSON.stringify(target),
    },
    plugins: [
      preact(),
      // The content script is one self-contained file (no ESM loader), so it works from the
      // manifest and from `scripting.registerContentScripts` alike.
      crx({ manifest, browser: target, contentScripts: { standaloneFiles: [CONTENT_SCRIPT] } }),
      withoutWebAccessibleContentScript(),
      withoutInnerHtmlAssignments(),
      target === 'chrome' ? emitManagedSchema() : null,
    ],
    build: {
      outDir,
      emptyOutDir: true,
      target: target === 'firefox' ? 'firefox140' : 'chrome120',
      minify: false,
      sourcemap: false,
    },
  };
}

export default extensionViteConfig({
  target: 'chrome',
  outDir: resolve(root, '..', 'dist', 'extension', 'chrome'),
  sites: parseSiteList(process.env.ATA_EXTENSION_SITES),
});
