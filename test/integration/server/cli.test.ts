import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { createTestDatabase } from '../api/harness.ts';
import { listeningUrl, runBin } from './companion-process.ts';

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
    const r = runBin(['serve'], env);
    expect(await r.exited).toBe(2);
    expect(r.stderr).toContain(variable);
  });

  it('prints usage for --help and refuses an unknown command with 2', async () => {
    const help = runBin(['--help'], {});
    expect(await help.exited).toBe(0);
    expect(help.stdout).toContain('serve');
    const unknown = runBin(['frobnicate'], {});
    expect(await unknown.exited).toBe(2);
  });

  it('migrates, rolls back and migrates again', async () => {
    const env = { ATA_DATABASE_URL: `sqlite:${path.join(dir, 'migrate.sqlite')}`, ATA_LOG_LEVEL: 'warn' };
    expect(await runBin(['migrate'], env).exited).toBe(0);
    expect(await runBin(['migrate', '--rollback'], env).exited).toBe(0);
    expect(await runBin(['migrate'], env).exited).toBe(0);
  });

  it('migrates a PostgreSQL database without the token key, which only serve needs', async () => {
    const db = await createTestDatabase('postgres');
    try {
      const r = runBin(['migrate'], { ATA_DATABASE_URL: db.url, ATA_LOG_LEVEL: 'warn' });
      expect(await r.exited, r.stderr).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it('serves under ATA_BASE_PATH, logs one line with its URL, and stops cleanly on SIGTERM', async () => {
    const database = path.join(dir, 'data', 'serve.sqlite');
    const r = runBin(['serve'], {
      ATA_SITE_URL: sim.baseUrl,
      ATA_DATABASE_URL: `sqlite://${database}`,
      ATA_LISTEN: '127.0.0.1:0',
      ATA_BASE_PATH: '/api-token-auth',
    });
    const url = await listeningUrl(r);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api-token-auth$/);
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
