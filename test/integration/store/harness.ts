// Services over a migrated test database with a settable clock, a seeded random source and a
// logger whose every line is kept, so tests can be exact and can prove what was never logged.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { ServiceEventMap } from '../../../server/services/events.ts';
import { createServices, type Services } from '../../../server/services/index.ts';
import type { RequestContext } from '../../../server/services/types.ts';
import { openMigrated, type TestDatabase } from './databases.ts';

export const KEY = Buffer.from('k'.repeat(32));
export const alice: RequestContext = { actor: 'alice', remoteIp: '192.0.2.10' };
export const admin: RequestContext = { actor: 'admin', remoteIp: '192.0.2.1' };

/** Deterministic bytes: SHA-256 of seed and counter, concatenated. */
export function seededRandom(seed: string): (n: number) => Buffer {
  let counter = 0;
  return (n) => {
    const chunks: Buffer[] = [];
    let length = 0;
    while (length < n) {
      const chunk = createHash('sha256').update(`${seed}:${counter++}`).digest();
      chunks.push(chunk);
      length += chunk.length;
    }
    return Buffer.concat(chunks).subarray(0, n);
  };
}

export interface Harness extends Services {
  db: TestDatabase;
  /** Moves the services' clock. */
  setNow(iso: string): void;
  now(): Date;
  logs: string[];
  emitted: { [K in keyof ServiceEventMap]: ServiceEventMap[K][0][] };
}

export async function openServices(
  open: () => Promise<TestDatabase>,
  options: { key?: Buffer; cacheMs?: number; seed?: string; db?: TestDatabase } = {},
): Promise<Harness> {
  const db = options.db ?? (await openMigrated(open));
  let now = new Date('2026-01-31T10:00:00.000Z');
  const logs: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const services = createServices({
    store: db.store,
    key: options.key ?? KEY,
    logger,
    clock: () => now,
    random: seededRandom(options.seed ?? 'tests'),
    cacheMs: options.cacheMs,
  });
  const emitted: Harness['emitted'] = {
    'token.created': [],
    'token.deleted': [],
    'tokens.capped': [],
    'settings.changed': [],
    'permissions.changed': [],
  };
  services.events.on('token.created', (e) => emitted['token.created'].push(e));
  services.events.on('token.deleted', (e) => emitted['token.deleted'].push(e));
  services.events.on('tokens.capped', (e) => emitted['tokens.capped'].push(e));
  services.events.on('settings.changed', (e) => emitted['settings.changed'].push(e));
  services.events.on('permissions.changed', (e) => emitted['permissions.changed'].push(e));
  return {
    ...services,
    db,
    setNow: (iso) => {
      now = new Date(iso);
    },
    now: () => now,
    logs,
    emitted,
  };
}
