// The lock that keeps one companion per SQLite file, on the real SQLite. Across processes (and
// after a kill -9) it is tested through the CLI in test/integration/server/instance-lock.test.ts.
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../../server/store/index.ts';
import {
  acquireInstanceLock,
  InstanceLockedError,
  lockFileFor,
} from '../../../server/store/instance-lock.ts';

describe('SQLite instance lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ata-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second holder, saying why, until the first releases it', async () => {
    const database = path.join(dir, 'ata.sqlite');
    const first = await acquireInstanceLock(database);
    expect(first.path).toBe(lockFileFor(database));
    const refused = await acquireInstanceLock(database).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(InstanceLockedError);
    expect((refused as Error).message).toContain(`already running on the SQLite database ${database}`);
    expect((refused as Error).message).toContain('PostgreSQL');
    await first.release();
    await first.release();
    const second = await acquireInstanceLock(database);
    await second.release();
  });

  it('keeps the lock file private, in a 0700 directory it creates, and writes no journal', async () => {
    const database = path.join(dir, 'new', 'ata.sqlite');
    const lock = await acquireInstanceLock(database);
    try {
      expect(statSync(lock.path).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(database)).mode & 0o777).toBe(0o700);
      expect(() => statSync(`${lock.path}-journal`)).toThrow(/ENOENT/);
    } finally {
      await lock.release();
    }
  });

  it('leaves the database itself free for the holder’s own store', async () => {
    const database = path.join(dir, 'ata.sqlite');
    const lock = await acquireInstanceLock(database);
    const store = createStore(`sqlite://${database}`);
    try {
      await store.migrate();
      await store.ping();
    } finally {
      await store.close();
      await lock.release();
    }
  });
});
