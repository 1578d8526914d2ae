// SQLite stays single-instance: a second companion on the same file refuses to start and says why;
// a companion killed with SIGKILL leaves no stale lock behind. Real processes, through the CLI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { type CompanionProcess, listeningUrl, runBin, stop } from './companion-process.ts';

describe('one companion per SQLite database', () => {
  let dir: string;
  let sim: Simulator;
  const started: CompanionProcess[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ata-single-'));
    sim = await startSimulator({ flavour: 'jira9' });
  });
  afterEach(async () => {
    for (const run of started.splice(0)) await stop(run);
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const serve = (database: string, extra: Record<string, string> = {}) => {
    const run = runBin(['serve'], {
      ATA_SITE_URL: sim.baseUrl,
      ATA_DATABASE_URL: `sqlite://${database}`,
      ATA_LISTEN: '127.0.0.1:0',
      ...extra,
    });
    started.push(run);
    return run;
  };

  it('refuses a second companion with the reason, and starts again after a kill -9 of the first', async () => {
    const database = path.join(dir, 'shared.sqlite');
    const first = serve(database);
    const url = await listeningUrl(first);

    const second = serve(database);
    expect(await second.exited).toBe(1);
    expect(second.stderr).toContain(
      `api-token-auth: another companion is already running on the SQLite database ${database}`,
    );
    expect(second.stderr).toContain('use PostgreSQL');
    expect(second.stdout).not.toContain('listening on');
    // The refusal changed nothing for the first one.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const third = serve(database);
    const thirdUrl = await listeningUrl(third);
    expect((await fetch(`${thirdUrl}/healthz`)).status).toBe(200);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it('lets companions on different SQLite files run side by side', async () => {
    const a = serve(path.join(dir, 'a.sqlite'));
    const b = serve(path.join(dir, 'b.sqlite'));
    await Promise.all([listeningUrl(a), listeningUrl(b)]);
  });
});
