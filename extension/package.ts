// Store packages (`npm run package`): the Chrome and Firefox builds zipped by web-ext, plus the
// source zip Mozilla's reviewers ask for when the submitted code is bundled. The source is the
// committed tree (`git archive HEAD`), so it is exactly what a reviewer can check out; files of
// the build that differ from HEAD are named, because the packages would not match it then.
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import webExt from 'web-ext';
import { buildExtension } from './build.ts';
import type { BuildTarget } from './manifest.ts';
import { packageVersion } from './vite.config.ts';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');
/** What the packages are built from: a change here that is not committed makes the source zip differ. */
const BUILD_INPUTS = ['extension', 'shared', 'package.json', 'package-lock.json'];

export interface PackageOptions {
  outDir: string;
  /** Built-in sites (ATA_EXTENSION_SITES): none for the public stores, a company's own for self-hosting. */
  sites: string[];
  log?: (line: string) => void;
}

export interface Packages {
  version: string;
  chrome: string;
  firefox: string;
  source: string;
  /** Build inputs with uncommitted changes (the source zip does not contain them). */
  uncommitted: string[];
}

const packageName = (what: BuildTarget | 'source', version: string) =>
  `api-token-auth-${what}-${version}.zip`;

export async function packageExtension({ outDir, sites, log = () => {} }: PackageOptions): Promise<Packages> {
  const version = packageVersion();
  const buildDir = join(outDir, 'extension');
  const dirs = await buildExtension({ outDir: buildDir, sites, log });
  await mkdir(outDir, { recursive: true });
  const zip = async (target: BuildTarget) => {
    const { extensionPath } = await webExt.cmd.build(
      {
        sourceDir: dirs[target],
        artifactsDir: outDir,
        filename: packageName(target, version),
        overwriteDest: true,
      },
      { shouldExitProgram: false, showReadyMessage: false },
    );
    log(`wrote ${extensionPath}`);
    return extensionPath;
  };
  const chrome = await zip('chrome');
  const firefox = await zip('firefox');
  const source = join(outDir, packageName('source', version));
  await rm(source, { force: true });
  await run('git', ['archive', '--format=zip', `--prefix=api-token-auth-${version}/`, '-o', source, 'HEAD'], {
    cwd: repo,
  });
  log(`wrote ${source}`);
  const { stdout } = await run('git', ['status', '--porcelain', '--', ...BUILD_INPUTS], { cwd: repo });
  const uncommitted = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3));
  if (uncommitted.length > 0)
    log(`warning: not committed, so not in the source zip: ${uncommitted.join(', ')}`);
  return { version, chrome, firefox, source, uncommitted };
}
