// `npm run package` as a release would run it: the Chrome and Firefox zips named with the
// package.json version, read back by Mozilla's linter (which opens the zip itself), and the
// source zip for Mozilla's review holding what the build needs and nothing generated.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webExt from 'web-ext';
import { type Packages, packageExtension } from '../../../extension/package.ts';

const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8'));
let dir: string;
let packages: Packages;

const lint = (zip: string) =>
  webExt.cmd.lint({ sourceDir: zip, output: 'none', boring: true }, { shouldExitProgram: false });

/** The entries of a zip, through Python's zipfile (Debian's python3), not a parser of our own. */
async function entries(zip: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('python3', [
    '-c',
    'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
    zip,
  ]);
  return stdout.split('\n').filter(Boolean);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ata-ext-package-'));
  packages = await packageExtension({ outDir: dir, sites: [] });
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm run package', () => {
  it('writes the three zips named with the package.json version', () => {
    expect(packages.version).toBe(pkg.version);
    expect([packages.chrome, packages.firefox, packages.source].map((p) => basename(p))).toEqual([
      `api-token-auth-chrome-${pkg.version}.zip`,
      `api-token-auth-firefox-${pkg.version}.zip`,
      `api-token-auth-source-${pkg.version}.zip`,
    ]);
    for (const zip of [packages.chrome, packages.firefox, packages.source])
      expect(existsSync(zip), zip).toBe(true);
  });

  it('gives AMO a Firefox zip without errors or warnings, and the Chrome zip its service worker', async () => {
    const firefox = await lint(packages.firefox);
    expect(firefox.errors).toEqual([]);
    expect(firefox.warnings).toEqual([]);
    const chrome = await lint(packages.chrome);
    // Read back from the zip: the Chrome build (a service worker and no gecko id, which only
    // Mozilla's linter minds) with the same version.
    expect(chrome.errors.map((e) => e.code).sort()).toEqual([
      'ADDON_ID_REQUIRED',
      'BACKGROUND_SERVICE_WORKER_NOFALLBACK',
    ]);
    const names = await entries(packages.chrome);
    expect(names).toEqual(
      expect.arrayContaining(['manifest.json', 'managed_schema.json', 'content/index.js']),
    );
    expect(names.filter((n) => n.endsWith('.map'))).toEqual([]);
  }, 60_000);

  it('puts the committed sources in the source zip, with no dependencies or build output', async () => {
    const names = await entries(packages.source);
    const prefix = `api-token-auth-${pkg.version}/`;
    expect(names.every((n) => n.startsWith(prefix))).toBe(true);
    const inside = names.map((n) => n.slice(prefix.length));
    expect(inside).toEqual(
      expect.arrayContaining([
        'package.json',
        'package-lock.json',
        'extension/manifest.ts',
        'extension/vite.config.ts',
        'scripts/build-extension.ts',
      ]),
    );
    expect(inside.filter((n) => /^(node_modules|dist)\//.test(n))).toEqual([]);
  });
});
