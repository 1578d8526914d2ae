import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../support/nginx.ts';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  url: string;
  /** Stops the server at once (no shutdown checkpoint), as a crash or an outage would. */
  stop(): Promise<void>;
  /** Stops it if it still runs, and removes its files. */
  dispose(): Promise<void>;
}

/** Runs a PostgreSQL binary as the `postgres` OS user (it refuses to run as root). */
const asPostgres = (binary: string, args: string[]) =>
  run('runuser', ['-u', 'postgres', '--', path.join(BIN, binary), ...args]);

/**
 * A throwaway PostgreSQL 15 cluster of one test's own, on a free loopback port, so a test can stop
 * a database server mid-run without touching the machine's shared one on 5432.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ata-pg-'));
  const data = path.join(dir, 'data');
  const { stdout } = await run('id', ['-u', 'postgres']);
  const uid = Number(stdout.trim());
  await chown(dir, uid, Number((await run('id', ['-g', 'postgres'])).stdout.trim()));
  const port = await freePort();
  let running = false;
  const stop = async () => {
    if (!running) return;
    running = false;
    await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  };
  try {
    await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await asPostgres('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-o',
      options,
      '-w',
      'start',
    ]);
    running = true;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    async dispose() {
      await stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
