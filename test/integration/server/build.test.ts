// The production build (`npm run build:server`) and the bin that runs it, in a copy of the package
// laid out as a deployment has it: the build, the sources (to prove a stale build is refused), and
// node_modules holding only the production dependencies, without tsx unless a case adds it.
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { type CompanionProcess, listeningUrl, runBin, stop } from './companion-process.ts';

const ROOT = path.resolve('.');
const TSX_NOTICE = 'running the TypeScript sources through tsx';

/** The package's runtime dependencies, tsx excepted: what production has once it runs the build. */
function runtimeDependencies(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return Object.keys(pkg.dependencies).filter((name) => name !== 'tsx');
}

function link(modules: string, name: string): void {
  mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name), 'dir');
}

describe('the compiled production build', () => {
  let dir: string;
  let bin: string;
  let sim: Simulator;
  const started: CompanionProcess[] = [];
  let healthcheck: string;
  const run = (args: string[], env: Record<string, string> = {}, script = bin) => {
    const r = runBin(args, env, script);
    started.push(r);
    return r;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ata-build-'));
    for (const part of ['package.json', 'server', 'shared']) {
      cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true, preserveTimestamps: true });
    }
    for (const name of runtimeDependencies()) link(path.join(dir, 'node_modules'), name);
    // Built the way `npm run build:server` builds, after the copy so the sources are older.
    await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      path.join(ROOT, 'scripts/build-server.ts'),
      path.join(dir, 'dist', 'server'),
    ]);
    bin = path.join(dir, 'server', 'bin', 'api-token-auth.js');
    healthcheck = path.join(dir, 'server', 'bin', 'healthcheck.js');
    sim = await startSimulator({ flavour: 'confluence8', contextPath: '/wiki' });
  });
  afterEach(async () => {
    for (const r of started.splice(0)) await stop(r);
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the sources it was built from', () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'dist', 'server', 'build.json'), 'utf8'));
    expect(manifest.sources).toContain('server/cli.ts');
    expect(manifest.sources).toContain('server/app.ts');
    expect(manifest.sources.every((s: string) => /^(server|shared)\//.test(s))).toBe(true);
  });

  it('serves and migrates with Node alone: no tsx installed, no notice', async () => {
    const help = run(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout).toContain('Usage: api-token-auth');
    expect(help.stderr).toBe('');

    const database = `sqlite://${path.join(dir, 'data', 'built.sqlite')}`;
    const migrate = run(['migrate'], { ATA_DATABASE_URL: database, ATA_LOG_LEVEL: 'warn' });
    expect(await migrate.exited, migrate.stderr).toBe(0);

    const serve = run(['serve'], {
      ATA_SITE_URL: sim.baseUrl,
      ATA_DATABASE_URL: database,
      ATA_LISTEN: '127.0.0.1:0',
      ATA_BASE_PATH: '/api-token-auth',
    });
    const url = await listeningUrl(serve);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/api/v1/openapi.json`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/me`)).status).toBe(401);
    // The container's health check, on the address the companion was given.
    const listen = { ATA_LISTEN: new URL(url).host, ATA_BASE_PATH: '/api-token-auth' };
    expect(await run([], listen, healthcheck).exited).toBe(0);
    const wrongPath = run([], { ...listen, ATA_BASE_PATH: '/elsewhere' }, healthcheck);
    expect(await wrongPath.exited).toBe(1);
    expect(wrongPath.stderr).toContain('/elsewhere/healthz answered 404');
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    const down = run([], listen, healthcheck);
    expect(await down.exited).toBe(1);
    expect(down.stderr).toContain('ECONNREFUSED');
    expect(serve.stdout).toContain('"product":"confluence"');
    expect(serve.stderr).toBe('');
  });

  it('refuses a build older than a source, and runs the sources through tsx where tsx is installed', async () => {
    const source = path.join(dir, 'server', 'cli.ts');
    const later = new Date(Date.now() + 60_000);
    utimesSync(source, later, later);
    try {
      const refused = run(['--help']);
      expect(await refused.exited).toBe(1);
      expect(refused.stderr).toBe(
        'api-token-auth: the build in dist/server is older than server/cli.ts, and tsx is not installed: run `npm run build:server`\n',
      );
      link(path.join(dir, 'node_modules'), 'tsx');
      try {
        const fromSources = run(['--help']);
        expect(await fromSources.exited).toBe(0);
        expect(fromSources.stdout).toContain('Usage: api-token-auth');
        expect(fromSources.stderr).toContain(`older than server/cli.ts; ${TSX_NOTICE}`);
      } finally {
        rmSync(path.join(dir, 'node_modules', 'tsx'));
      }
    } finally {
      utimesSync(source, new Date(0), new Date(0));
    }
  });

  it('without a build: stops with the command that builds, or runs the sources through tsx', async () => {
    const build = path.join(dir, 'dist', 'server');
    const kept = path.join(dir, 'dist', 'kept');
    renameSync(build, kept);
    try {
      const refused = run(['--help']);
      expect(await refused.exited).toBe(1);
      expect(refused.stderr).toBe(
        'api-token-auth: there is no build in dist/server, and tsx is not installed: run `npm run build:server`\n',
      );
      link(path.join(dir, 'node_modules'), 'tsx');
      try {
        const fromSources = run(['--help']);
        expect(await fromSources.exited).toBe(0);
        expect(fromSources.stderr).toContain(`there is no build in dist/server; ${TSX_NOTICE}`);
      } finally {
        rmSync(path.join(dir, 'node_modules', 'tsx'));
      }
    } finally {
      renameSync(kept, build);
    }
  });
});
