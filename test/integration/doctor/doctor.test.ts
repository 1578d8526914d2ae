import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import knex from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../server/cli.ts';
import { createStore } from '../../../server/store/index.ts';
import { createTestDatabase } from '../api/harness.ts';
import { type SetUp, type SetUpOptions, setUp } from './harness.ts';

// `api-token-auth doctor` against a set-up an operator could have: every broken one fails the
// check that names its cause, with the line that fixes it; nothing else fails.
let current: SetUp | undefined;
const start = async (options?: SetUpOptions) => {
  current = await setUp(options);
  return current;
};
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const failed = (byId: Record<string, { status: string }>) =>
  Object.entries(byId)
    .filter(([, c]) => c.status === 'fail')
    .map(([id]) => id);

describe('a healthy set-up', () => {
  it('Confluence with mirroring on: every check ok, exit 0, one line per check and a summary', async () => {
    const s = await start({ flavour: 'confluence8', env: { ATA_AUDIT_MIRROR: 'on' } });
    const run = await s.doctor();
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`api-token-auth doctor: checking ${s.sim.baseUrl}`);
    const checkLines = lines.filter((l) => /^(ok|warn|FAIL|skip) {2}/.test(l));
    expect(checkLines.map((l) => l.slice(0, 4).trim())).toEqual([...Array(10).fill('ok'), 'skip']);
    expect(run.stdout).toMatch(/Confluence 8\.5\.7 at http:\/\/127\.0\.0\.1:\d+ \(answered in \d+ ms\)/);
    expect(run.stdout).toContain('works: GET /rest/api/audit answered 200 for the service user');
    expect(lines.at(-1)).toBe('all good: 10 ok, 0 warning(s), 0 failed, 1 skipped');
    // The probe wrote nothing into the site's audit log.
    const { siteAuditLog } = await import('../../atlassian-sim/index.ts');
    expect(siteAuditLog(s.sim.state).posts).toBe(0);
  });

  it('Jira with --json: the same checks for machines, progress on stderr', async () => {
    const s = await start({ flavour: 'jira9' });
    const run = await s.doctor(['--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: true, summary: { ok: 9, warn: 0, fail: 0, skip: 2 } });
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual([
      'site',
      'clock',
      'service-credential',
      'browse-users',
      'read-groups',
      'admin',
      'pats',
      'audit-mirror',
      'database',
      'key-file',
      'proxy',
    ]);
    expect(report.checks[0].detail).toMatch(/^Jira 10\.3\.6 Server at /);
    expect(run.stderr).toContain('ok    Site reachable');
  });
});

describe('a broken set-up fails the right check, with its fix', () => {
  it('the site is down', async () => {
    const s = await start();
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as { port: number }).port;
    closed.close();
    const { code, byId } = await s.checks([], { ATA_SITE_URL: `http://127.0.0.1:${port}/jira` });
    expect(code).toBe(1);
    expect(failed(byId)).toEqual(['site']);
    expect(byId.site?.detail).toMatch(/cannot be reached \(connection failed\)/);
    expect(byId.site?.fix).toBe(
      `check ATA_SITE_URL=http://127.0.0.1:${port}/jira (the site's own base URL, context path included) and that this host can reach it`,
    );
    expect(byId['service-credential']).toMatchObject({ status: 'skip', detail: 'the site did not answer' });
    // The local checks still run.
    expect(byId.database?.status).toBe('ok');
  });

  it('the service credential is wrong', async () => {
    const s = await start();
    const { code, byId } = await s.checks([], {
      ATA_SERVICE_AUTH: 'Bearer NDk5OTk5OTk5OTk5OnRoaXMtaXMtbm90LWEtcGF0',
    });
    expect(code).toBe(1);
    expect(failed(byId)).toEqual(['service-credential']);
    expect(byId['service-credential']?.detail).toMatch(/the site does not accept ATA_SERVICE_AUTH/);
    expect(byId['service-credential']?.fix).toBe(
      'set ATA_SERVICE_AUTH=Bearer <PAT of a user with Browse users permission>',
    );
    expect(byId['browse-users']?.status).toBe('skip');
  });

  it('the service credential is missing', async () => {
    const s = await start();
    const { byId } = await s.checks([], { ATA_SERVICE_AUTH: '' });
    expect(byId['service-credential']).toMatchObject({
      status: 'fail',
      detail: 'ATA_SERVICE_AUTH is not set: the companion cannot look users and groups up',
      fix: 'set ATA_SERVICE_AUTH=Bearer <PAT of a user with Browse users permission>',
    });
  });

  it('the service user is no administrator: fine without mirroring, a failure with it', async () => {
    const s = await start({ flavour: 'confluence8', serviceUser: 'alice' });
    const without = await s.checks();
    expect(without.code).toBe(0);
    expect(without.byId.admin?.detail).toBe(
      'alice is no administrator; only audit mirroring needs one, and it is off',
    );
    const withMirror = await s.checks([], { ATA_AUDIT_MIRROR: 'on' });
    expect(withMirror.code).toBe(1);
    expect(failed(withMirror.byId)).toEqual(['admin', 'audit-mirror']);
    const fix =
      'make alice a site administrator (a member of confluence-administrators), or set ATA_AUDIT_MIRROR=off';
    expect(withMirror.byId.admin?.fix).toBe(fix);
    expect(withMirror.byId['audit-mirror']).toMatchObject({
      detail: expect.stringContaining('GET /rest/api/audit answered 403'),
      fix,
    });
  });

  it('Jira 10 has no legacy audit API: mirroring on is a warning that says so', async () => {
    const s = await start({ flavour: 'jira9' });
    const { code, byId } = await s.checks([], { ATA_AUDIT_MIRROR: 'on' });
    expect(code).toBe(0);
    expect(byId['audit-mirror']).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/no longer accepts the legacy audit record API.*answered 404/),
      fix: 'set ATA_AUDIT_MIRROR=off',
    });
  });

  it('personal access tokens are off on the site', async () => {
    const s = await start({
      env: { ATA_SERVICE_AUTH: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
    });
    s.sim.state.pats.settings.enabled = false;
    const { code, byId } = await s.checks();
    expect(code).toBe(1);
    expect(failed(byId)).toEqual(['pats']);
    expect(byId.pats?.detail).toMatch(/GET \/rest\/pat\/latest\/tokens answered 404/);
    expect(byId.pats?.fix).toBe(
      'set the JVM property -Datlassian.pats.enabled=true on the site and restart it',
    );
  });

  it('the database is not migrated', async () => {
    const s = await start({ migrate: false });
    const missing = await s.checks();
    expect(failed(missing.byId)).toEqual(['database']);
    expect(missing.byId.database).toMatchObject({
      detail: `there is no database at ${s.databaseFile}`,
      fix: 'run api-token-auth migrate (with the same ATA_DATABASE_URL)',
    });
    const store = createStore(`sqlite://${s.databaseFile}`);
    await store.ping();
    await store.close();
    const empty = await s.checks();
    expect(failed(empty.byId)).toEqual(['database']);
    expect(empty.byId.database?.detail).toMatch(
      /: (\d+) of \1 migrations not applied \(20261128013000-create-tokens, /,
    );
    expect(empty.byId.database?.fix).toBe('run api-token-auth migrate (with the same ATA_DATABASE_URL)');
  });

  it('the database was migrated by a newer version', async () => {
    const s = await start();
    const db = knex({ client: 'sqlite3', connection: { filename: s.databaseFile }, useNullAsDefault: true });
    await db('knex_migrations').insert({
      name: '29990101000000-from-the-future',
      batch: 9,
      migration_time: new Date(),
    });
    await db.destroy();
    const { byId } = await s.checks();
    expect(failed(byId)).toEqual(['database']);
    expect(byId.database).toMatchObject({
      detail: expect.stringContaining(
        'was migrated by a newer api-token-auth (unknown migrations: 29990101000000-from-the-future)',
      ),
      fix: 'run the newer version again, or roll the database back with it (api-token-auth migrate --rollback)',
    });
  });

  it('PostgreSQL: a fresh database is not migrated; once migrated, it is', async () => {
    const pg = await createTestDatabase('postgres');
    try {
      const s = await start({
        migrate: false,
        env: { ATA_DATABASE_URL: pg.url, ATA_SECRET: randomBytes(32).toString('base64url') },
      });
      const fresh = await s.checks();
      expect(failed(fresh.byId)).toEqual(['database']);
      expect(fresh.byId.database?.detail).toMatch(/^PostgreSQL: (\d+) of \1 migrations not applied/);
      expect(fresh.byId['key-file']?.detail).toBe('from ATA_SECRET (no key file)');
      const store = createStore(pg.url);
      await store.migrate();
      await store.close();
      const migrated = await s.checks();
      expect(migrated.code).toBe(0);
      expect(migrated.byId.database?.detail).toMatch(/^PostgreSQL: all \d+ migrations applied$/);
    } finally {
      await current?.close();
      current = undefined;
      await pg.drop();
    }
  });

  it('the key file is readable by others', async () => {
    const s = await start();
    chmodSync(s.keyFile, 0o644);
    const { code, byId } = await s.checks();
    expect(code).toBe(1);
    expect(failed(byId)).toEqual(['key-file']);
    expect(byId['key-file']).toMatchObject({
      detail: `${s.keyFile} has mode 0644: every user of this host can read the key and test guessed tokens offline`,
      fix: `chmod 600 ${s.keyFile}`,
    });
  });

  it("the site's clock is ten minutes ahead: a failure; one minute: a warning", async () => {
    let skewMs = 10 * 60_000;
    const s = await start({ sim: { now: () => new Date(Date.now() + skewMs) } });
    const far = await s.checks();
    expect(failed(far.byId)).toEqual(['clock']);
    expect(far.byId.clock?.detail).toMatch(
      /^the site's clock is (599|600|601) s ahead of this host's \(more than 5 min\)$/,
    );
    expect(far.byId.clock?.fix).toMatch(/^synchronise both hosts with NTP/);
    skewMs = -60_000;
    const near = await s.checks();
    expect(near.code).toBe(0);
    expect(near.byId.clock).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/s behind this host's \(more than 30 s\)$/),
    });
  });
});

describe('usage', () => {
  const io = (env: NodeJS.ProcessEnv) => {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      io: {
        env,
        stdout: (t: string) => {
          out.stdout += t;
        },
        stderr: (t: string) => {
          out.stderr += t;
        },
      },
    };
  };

  it('an unknown option or a bad proxy URL is exit 2 with the usage', async () => {
    const a = io({ ATA_SITE_URL: 'http://127.0.0.1:1' });
    expect(await main(['doctor', '--verbose'], a.io)).toBe(2);
    expect(a.out.stderr).toContain('Usage: api-token-auth doctor [--json] [--proxy-url URL]');
    const b = io({ ATA_SITE_URL: 'http://127.0.0.1:1' });
    expect(await main(['doctor', '--proxy-url', 'ftp://x'], b.io)).toBe(2);
    expect(b.out.stderr).toContain('--proxy-url must be the http(s) URL clients use');
  });

  it('a configuration error names the variable (exit 2)', async () => {
    const a = io({ ATA_SITE_URL: 'http://127.0.0.1:1', ATA_AUDIT_MIRROR: 'yes' });
    expect(await main(['doctor'], a.io)).toBe(2);
    expect(a.out.stderr).toBe('api-token-auth: invalid configuration: ATA_AUDIT_MIRROR: must be on or off\n');
  });

  it('the help lists the command', async () => {
    const a = io({});
    expect(await main(['--help'], a.io)).toBe(0);
    expect(a.out.stdout).toContain('doctor [--json] [--proxy-url URL]');
    expect(a.out.stdout).toContain('ATA_AUDIT_MIRROR');
  });
});
