import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { createTestDatabase } from '../api/harness.ts';

const BIN = path.resolve('server/bin/api-token-auth.js');

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

// Only what the CLI needs: PATH for node, no ATA_* leaking in from the developer's shell.
function run(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: Run = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stdout?.on('data', (c: Buffer) => {
    result.stdout += c;
  });
  child.stderr?.on('data', (c: Buffer) => {
    result.stderr += c;
  });
  return result;
}

function waitForOutput(r: Run, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = r.stdout.match(pattern);
      if (m) resolve(m);
    };
    r.child.stdout?.on('data', check);
    r.exited.then((code) => reject(new Error(`exited ${code} before ${pattern}: ${r.stderr}${r.stdout}`)));
    check();
  });
}

describe('api-token-auth CLI', () => {
  let dir: string;
  let sim: Simulator;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ata-cli-'));
    sim = await startSimulator({ flavour: 'jira9', contextPath: '/jira' });
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['ATA_SITE_URL', {}],
    ['ATA_SITE_URL', { ATA_SITE_URL: 'ftp://jira.example.com' }],
    ['ATA_LISTEN', { ATA_SITE_URL: 'http://127.0.0.1:1', ATA_LISTEN: '8787' }],
    ['ATA_DATABASE_URL', { ATA_SITE_URL: 'http://127.0.0.1:1', ATA_DATABASE_URL: 'mysql://x' }],
    ['ATA_PRODUCT', { ATA_SITE_URL: 'http://127.0.0.1:1', ATA_PRODUCT: 'bitbucket' }],
    ['ATA_SECRET', { ATA_SITE_URL: 'http://127.0.0.1:1', ATA_SECRET: 'short' }],
    [
      'ATA_SECRET',
      { ATA_SITE_URL: 'http://127.0.0.1:1', ATA_DATABASE_URL: 'postgres://postgres@127.0.0.1/test' },
    ],
    ['ATA_LOG_LEVEL', { ATA_SITE_URL: 'http://127.0.0.1:1', ATA_LOG_LEVEL: 'loud' }],
    ['ATA_SERVICE_AUTH', { ATA_SITE_URL: 'http://127.0.0.1:1', ATA_SERVICE_AUTH: 'admin:admin' }],
  ])('stops with exit code 2 naming %s', async (variable, env) => {
    const r = run(['serve'], env);
    expect(await r.exited).toBe(2);
    expect(r.stderr).toContain(variable);
  });

  it('prints usage for --help and refuses an unknown command with 2', async () => {
    const help = run(['--help'], {});
    expect(await help.exited).toBe(0);
    expect(help.stdout).toContain('serve');
    const unknown = run(['frobnicate'], {});
    expect(await unknown.exited).toBe(2);
  });

  it('migrates, rolls back and migrates again', async () => {
    const env = { ATA_DATABASE_URL: `sqlite:${path.join(dir, 'migrate.sqlite')}`, ATA_LOG_LEVEL: 'warn' };
    expect(await run(['migrate'], env).exited).toBe(0);
    expect(await run(['migrate', '--rollback'], env).exited).toBe(0);
    expect(await run(['migrate'], env).exited).toBe(0);
  });

  it('migrates a PostgreSQL database without the token key, which only serve needs', async () => {
    const db = await createTestDatabase('postgres');
    try {
      const r = run(['migrate'], { ATA_DATABASE_URL: db.url, ATA_LOG_LEVEL: 'warn' });
      expect(await r.exited, r.stderr).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it('serves under ATA_BASE_PATH, logs one line with its URL, and stops cleanly on SIGTERM', async () => {
    const database = path.join(dir, 'data', 'serve.sqlite');
    const r = run(['serve'], {
      ATA_SITE_URL: sim.baseUrl,
      ATA_DATABASE_URL: `sqlite://${database}`,
      ATA_LISTEN: '127.0.0.1:0',
      ATA_BASE_PATH: '/api-token-auth',
    });
    const [, url] = await waitForOutput(r, /listening on (http:\/\/127\.0\.0\.1:\d+\/api-token-auth)/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const me = await fetch(`${url}/api/v1/me`);
    expect(me.status).toBe(401);
    // No key given with SQLite: one was generated beside the database, readable by its owner only.
    expect(statSync(path.join(path.dirname(database), 'api-token-auth.key')).mode & 0o777).toBe(0o600);
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    expect(r.stdout).toMatch(/"product":"jira"/);
  });
});
