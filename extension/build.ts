// Builds the extension for Chrome and Firefox. Used by `npm run build` and by the e2e tests,
// which build with the simulator's URLs into a temporary directory.
import { join } from 'node:path';
import { build } from 'vite';
import type { BuildTarget } from './manifest.ts';
import { extensionViteConfig, packageVersion } from './vite.config.ts';

export interface BuildOptions {
  outDir: string;
  sites: string[];
  targets?: BuildTarget[];
  log?: (line: string) => void;
}

export async function buildExtension({
  outDir,
  sites,
  targets = ['chrome', 'firefox'],
  log = () => {},
}: BuildOptions): Promise<Record<BuildTarget, string>> {
  const version = packageVersion();
  const dirs = {} as Record<BuildTarget, string>;
  log(`api-token-auth extension ${version}; built-in sites: ${sites.length ? sites.join(', ') : 'none'}`);
  for (const target of targets) {
    const dir = join(outDir, target);
    const started = Date.now();
    log(`building ${target} → ${dir}`);
    await build(extensionViteConfig({ target, outDir: dir, sites, version }));
    log(`built ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    dirs[target] = dir;
  }
  return dirs;
}
