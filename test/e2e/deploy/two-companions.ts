// Two companion processes on one fresh PostgreSQL database, behind Debian's nginx with the shipped
// config and both in its upstream, plus a steady load that counts every answer: what the drain and
// failover tests stand on. The companions are real processes (the package's bin), so a test can
// send them SIGTERM or SIGKILL.
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import autocannon from 'autocannon';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../integration/api/harness.ts';
import {
  type CompanionProcess,
  listeningUrl,
  runBin,
  stop,
} from '../../integration/server/companion-process.ts';
import { type RunningNginx, startNginx } from '../../support/nginx.ts';
import { basic } from './harness.ts';

/** The address nginx connects from: the site and the companions trust it. */
export const NGINX_ADDRESS = '127.0.0.3';

export interface Companion {
  run: CompanionProcess;
  /** Its base URL, e.g. http://127.0.0.1:41234/api-token-auth. */
  url: string;
  /** host:port, for nginx's upstream. */
  address: string;
  /** How many authentications it has logged as succeeded so far. */
  succeeded(): number;
}

export async function startCompanionProcess(env: Record<string, string>): Promise<Companion> {
  const run = runBin(['serve'], { ATA_LISTEN: '127.0.0.1:0', ATA_LOG_LEVEL: 'info', ...env });
  try {
    const url = await listeningUrl(run);
    return {
      run,
      url,
      address: new URL(url).host,
      succeeded: () => run.stdout.split('"event":"auth.succeeded"').length - 1,
    };
  } catch (err) {
    await stop(run);
    throw err;
  }
}

async function api(companion: Companion, method: string, pathname: string, auth: string, body?: unknown) {
  const res = await fetch(`${companion.url}/api/v1${pathname}`, {
    method,
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Trusts nginx for the client address, and has the site learn who a token belongs to from nginx's
 * identity header (the simulator trusts it from nginx). Settings are shared: one companion saves
 * them for both.
 */
export async function trustNginx(companion: Companion): Promise<void> {
  const settings = await api(companion, 'GET', '/admin/settings', basic('admin', 'admin'));
  await api(companion, 'PUT', '/admin/settings', basic('admin', 'admin'), {
    ...settings,
    reverseProxy: { enabled: true, trustedProxies: [NGINX_ADDRESS], clientIpHeader: 'X-Forwarded-For' },
    siteCredentialMode: 'identity-header',
  });
}

/** A new token of `user`'s (password = user name on the simulator), created on `companion`. */
export async function tokenOf(companion: Companion, user: string): Promise<string> {
  const created = await api(companion, 'POST', '/tokens', basic(user, user), {
    name: 'load',
    validity: 'never',
  });
  return (created as { secret: string }).secret;
}

export interface Stack {
  sim: Simulator;
  database: TestDatabase;
  /** What every companion of this stack runs with (site, database, shared secret). */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

/** The simulated Jira (trusting nginx's identity header) and a fresh database. */
export async function startStack(): Promise<Stack> {
  const sim = await startSimulator({ flavour: 'jira9', trustedProxies: [NGINX_ADDRESS] });
  const database = await createTestDatabase('postgres').catch(async (err) => {
    await sim.close();
    throw err;
  });
  return {
    sim,
    database,
    env: {
      ATA_SITE_URL: sim.baseUrl,
      ATA_PRODUCT: 'jira',
      ATA_DATABASE_URL: database.url,
      ATA_SECRET: randomBytes(32).toString('base64url'),
      ATA_SERVICE_AUTH: `Bearer ${sim.state.createPersonalAccessToken('admin')}`,
      ATA_BASE_PATH: '/api-token-auth',
    },
    async dispose() {
      await database.drop();
      await sim.close();
    },
  };
}

export function nginxInFrontOf(stack: Stack, companions: Companion[]): Promise<RunningNginx> {
  return startNginx({
    site: `127.0.0.1:${stack.sim.port}`,
    companion: companions.map((c) => c.address),
    bind: NGINX_ADDRESS,
  });
}

export interface Tally {
  /** Answers by status. */
  statuses: Record<number, number>;
  ok: number;
  /** Every answer other than 200, plus requests that got no answer (errors, timeouts). */
  failed: number;
  total: number;
}

/**
 * Requests at a fixed rate through nginx until stopped, every one counted: an answer that is not
 * 200 and a request without an answer (reset, timeout) both count as failed.
 */
export function steadyLoad(url: string, authorization: string, rate: number) {
  const statuses: Record<number, number> = {};
  let noAnswer = 0;
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const instance = autocannon(
    {
      url,
      headers: { Authorization: authorization },
      connections: 8,
      overallRate: rate,
      duration: 120,
      timeout: 10,
    },
    () => finished(),
  );
  instance.on('response', (_client, status) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  instance.on('reqError', () => {
    noAnswer += 1;
  });
  const tally = (): Tally => {
    const total = Object.values(statuses).reduce((sum, n) => sum + n, 0) + noAnswer;
    const ok = statuses[200] ?? 0;
    return { statuses: { ...statuses }, ok, failed: total - ok, total };
  };
  return {
    tally,
    async stop(): Promise<Tally> {
      instance.stop();
      await done;
      return tally();
    },
  };
}

/**
 * A TCP relay whose answers can be held back (a companion that reaches the site through it has
 * checks in flight for as long as the test wants), and that counts the connections it accepted.
 */
export async function delayingRelay(
  port: number,
): Promise<{ port: number; delayMs: number; accepted: number; close(): Promise<void> }> {
  const relay = { port: 0, delayMs: 0, accepted: 0, close: async () => {} };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    relay.accepted += 1;
    const upstream = connect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream);
    const later = (write: () => void) => (relay.delayMs > 0 ? setTimeout(write, relay.delayMs) : write());
    upstream.on('data', (chunk: Buffer) => later(() => client.write(chunk)));
    upstream.on('end', () => later(() => client.end()));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.address() as { port: number }).port;
  relay.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return relay;
}
