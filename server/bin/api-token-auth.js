#!/usr/bin/env node
// The package's executable. It runs the compiled companion in dist/server (`npm run build:server`)
// with Node alone. Without a build, or with one older than a source it was built from (a checkout
// edited or pulled since), it runs the TypeScript sources through tsx instead and says so on
// stderr. That path is for development and tests; where tsx is not installed it stops with the
// command that builds.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const build = new URL('dist/server/', root);

function mtimeOf(url) {
  try {
    return statSync(url).mtimeMs;
  } catch (err) {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Why the build cannot run, or undefined when it can. */
function buildProblem() {
  const builtAt = mtimeOf(new URL('build.json', build));
  if (builtAt === undefined) return 'there is no build in dist/server';
  const { sources } = JSON.parse(readFileSync(new URL('build.json', build), 'utf8'));
  // A source that is absent is fine: an image or package ships the build without the sources.
  const newer = sources.find((source) => (mtimeOf(new URL(source, root)) ?? 0) > builtAt);
  return newer && `the build in dist/server is older than ${newer}`;
}

const problem = buildProblem();
let main;
if (problem === undefined) {
  ({ main } = await import(new URL('cli.js', build).href));
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch (err) {
    if (err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    process.stderr.write(
      `api-token-auth: ${problem}, and tsx is not installed: run \`npm run build:server\`\n`,
    );
    process.exit(1);
  }
  process.stderr.write(
    `api-token-auth: ${problem}; running the TypeScript sources through tsx (\`npm run build:server\` builds plain JavaScript)\n`,
  );
  register();
  ({ main } = await import('../cli.ts'));
}
process.exit(await main(process.argv.slice(2)));
