// A companion with ATA_AUDIT_MIRROR=on in front of a simulated site, on SQLite, driven through its
// HTTP API with supertest; and a TCP relay that can take "the site" away and bring it back.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import supertest from 'supertest';
import { createApp } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { type Companion, wireCompanion } from '../../../server/wiring.ts';
import { type FlavourName, type Simulator, startSimulator } from '../../atlassian-sim/index.ts';

export const api = (p: string) => `/api-token-auth/api/v1${p}`;

export interface LogLine {
  level: number;
  msg: string;
  event?: string;
  [key: string]: unknown;
}

/** A pino logger whose lines are kept, parsed. */
export function capturedLogger() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

export interface MirrorHarness {
  sim: Simulator;
  companion: Companion;
  http: ReturnType<typeof supertest>;
  lines: LogLine[];
  login(user: string): Promise<string>;
  close(): Promise<void>;
}

export async function startMirrorHarness(
  flavour: FlavourName,
  serviceUser = 'admin',
): Promise<MirrorHarness> {
  const sim = await startSimulator({ flavour });
  const dir = await mkdtemp(path.join(tmpdir(), 'ata-mirror-'));
  const { logger, lines } = capturedLogger();
  const config = loadConfig({
    ATA_SITE_URL: sim.baseUrl,
    ATA_DATABASE_URL: `sqlite://${path.join(dir, 'companion.sqlite')}`,
    ATA_SECRET: randomBytes(32).toString('base64url'),
    ATA_SERVICE_AUTH: `Bearer ${sim.state.createPersonalAccessToken(serviceUser)}`,
    ATA_BASE_PATH: '/api-token-auth',
    ATA_AUDIT_MIRROR: 'on',
  });
  const companion = await wireCompanion(config, { logger });
  const login = async (user: string) => {
    const loginPath = sim.product === 'jira' ? '/login.jsp' : '/dologin.action';
    const res = await fetch(`${sim.baseUrl}${loginPath}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ os_username: user, os_password: user }),
      redirect: 'manual',
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('JSESSIONID='));
    if (!cookie) throw new Error(`login as ${user} failed: ${res.status}`);
    return cookie.split(';')[0] as string;
  };
  return {
    sim,
    companion,
    http: supertest(createApp(companion.deps).callback()),
    lines,
    login,
    async close() {
      await companion.shutdown();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Relay {
  /** Where clients connect: a port that stays the same across stop() and start(). */
  url: string;
  /** Closes the port and every connection through it: the site is down. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP relay to 127.0.0.1:`target` that can stop (connections refused) and start again on its port. */
export async function startRelay(target: number, pathname = ''): Promise<Relay> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const start = async () => {
    const next = createServer((client) => {
      const upstream = connect(target, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    next.listen(port, '127.0.0.1');
    await once(next, 'listening');
    port = (next.address() as AddressInfo).port;
    server = next;
  };
  const stop = async () => {
    const current = server;
    server = undefined;
    if (!current) return;
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await start();
  return { url: `http://127.0.0.1:${port}${pathname}`, start, stop, close: stop };
}
