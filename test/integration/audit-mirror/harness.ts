// A companion with ATA_AUDIT_MIRROR=on in front of a simulated site, on SQLite (the API tests'
// harness), driven through its HTTP API with supertest; and a TCP relay that can take "the site"
// away and bring it back.
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../../../server/logger.ts';
import type { FlavourName } from '../../atlassian-sim/index.ts';
import { type Harness, startHarness } from '../api/harness.ts';

export interface LogLine {
  level: number;
  msg: string;
  event?: string;
  [key: string]: unknown;
}

const parsed = (chunk: string): LogLine[] =>
  chunk
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);

/** A pino logger whose lines are kept, parsed. */
export function capturedLogger() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...parsed(String(chunk)));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** The lines the harness's companion has logged so far, parsed. */
export const logLines = (h: Harness): LogLine[] => h.logs.flatMap(parsed);

export const startMirrorHarness = (flavour: FlavourName): Promise<Harness> =>
  startHarness({ db: 'sqlite', flavour, env: { ATA_AUDIT_MIRROR: 'on' } });

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
