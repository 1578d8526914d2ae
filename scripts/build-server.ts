// `npm run build:server [-- <outDir>]`: the companion as plain JavaScript in dist/server (or
// <outDir>), so production runs it with Node alone: no tsx, no TypeScript transform at start.
//
// One ES module bundle of server/ and shared/ with esbuild. Packages stay outside it and are
// loaded from node_modules as they are (sqlite3's native addon, knex's dialects and pino's
// workers find their files there). The CLI's lazy imports become chunks of their own, so
// `--help` and `migrate` still load only what they use. Beside the bundle, build.json lists the
// sources it was built from: the bin (server/bin/api-token-auth.js) refuses a build older than
// any of them, so a checkout never runs stale code.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');

/** What the bin reads next to the bundle. */
interface BuildManifest {
  /** Source files (relative to the repository root) the bundle was built from. */
  sources: string[];
}

async function buildServer(outDir: string): Promise<BuildManifest> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'server/cli.ts' },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    // Not minified: stack traces in the log stay readable; the maps serve --enable-source-maps.
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const manifest: BuildManifest = {
    sources: Object.keys(result.metafile.inputs).sort(),
  };
  // The bundle is an ES module wherever it is copied, with or without the project's package.json.
  await writeFile(path.join(outDir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  // Written last: its time is the build's time, which the bin compares with the sources'.
  await writeFile(path.join(outDir, 'build.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist', 'server'));
try {
  const manifest = await buildServer(outDir);
  console.log(`[build-server] ${outDir}: ${manifest.sources.length} sources bundled`);
} catch (error) {
  console.error(`[build-server] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
