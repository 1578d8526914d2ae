// What the benchmark's case groups share: settings from the environment, a scratch directory, the
// processes to stop at the end, and (started on first use) the simulated Jira with one companion
// on SQLite and a valid token of alice's.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import path from 'node:path';
import { freePort } from '../test/support/nginx.ts';
import { basic } from './flood.ts';
import type { CaseResult } from './load.ts';
import { type BenchProcess, ROOT, startProcess } from './processes.ts';

export interface GroupReport {
  results: CaseResult[];
  ratios: Record<string, number | string>;
  [more: string]: unknown;
}

export interface SharedCompanion {
  companion: BenchProcess;
  sqliteFile: string;
  secret: string;
  /** The companion's /authz/auth-request URL. */
  authRequest: string;
  /** What nginx sends it for a valid token of alice's. */
  valid: Record<string, string> & { Authorization: string };
  /** BENCH_TOKENS: how many tokens (c) stores. */
  tokens: number;
}

export interface BenchContext {
  dir: string;
  seconds: number;
  pairs: number;
  connections: number;
  /** The address nginx connects from; the site and the companion trust it. */
  nginxAddress: string;
  /** host:port of the simulated Jira (after companion() resolved). */
  site: string;
  /** host:port (or unix:/path) nginx reaches the shared companion at (after companion() resolved). */
  companionAddress: string;
  step(text: string): void;
  /** Stopped, last first, when the benchmark ends. */
  onStop(item: { stop(): Promise<void> } | { close(): Promise<void> }): void;
  companion(): Promise<SharedCompanion>;
}

/** Where a companion answers: a TCP origin, or a Unix socket path. */
export type CompanionAt = { origin: string } | { socket: string };

function api(
  at: CompanionAt,
  method: string,
  pathname: string,
  auth: string,
  body?: unknown,
): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const target =
    'socket' in at
      ? { socketPath: at.socket }
      : { host: new URL(at.origin).hostname, port: new URL(at.origin).port };
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...target,
        method,
        path: `/api-token-auth/api/v1${pathname}`,
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300)
            reject(new Error(`${method} ${pathname}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface StartedCompanion {
  process: BenchProcess;
  sqliteFile: string;
  secret: string;
  /** A valid token of alice's, as a Basic Authorization header. */
  authorization: string;
}

/**
 * A companion process on a SQLite file of its own in front of the simulator, trusting nginx for the
 * client address, with a token of alice's. `listen` is ATA_LISTEN (host:port or unix:/path).
 */
export async function startCompanion(
  ctx: BenchContext,
  name: string,
  listen: string,
): Promise<StartedCompanion> {
  const secret = randomBytes(32).toString('base64url');
  const sqliteFile = path.join(ctx.dir, `${name}.sqlite`);
  // BENCH_PROFILE=<dir>: each companion writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const bin = path.join(ROOT, 'server/bin/api-token-auth.js');
  const companion = await startProcess(name, [...profile, bin, 'serve'], {
    dir: ctx.dir,
    env: {
      ATA_SITE_URL: `http://${ctx.site}`,
      ATA_PRODUCT: 'jira',
      ATA_DATABASE_URL: `sqlite://${sqliteFile}`,
      ATA_SECRET: secret,
      ATA_SERVICE_AUTH: basic('admin', 'admin'),
      ATA_BASE_PATH: '/api-token-auth',
      ATA_LISTEN: listen,
      ATA_LOG_LEVEL: 'info',
    },
    ready: /listening on/,
  });
  ctx.onStop(companion);
  const at: CompanionAt = listen.startsWith('unix:')
    ? { socket: listen.slice(5) }
    : { origin: `http://${listen}` };
  const settings = (await api(at, 'GET', '/admin/settings', basic('admin', 'admin'))) as object;
  await api(at, 'PUT', '/admin/settings', basic('admin', 'admin'), {
    ...settings,
    // nginx connects from ctx.nginxAddress over TCP; a Unix socket peer counts as 127.0.0.1.
    reverseProxy: {
      enabled: true,
      trustedProxies: ['127.0.0.1', ctx.nginxAddress],
      clientIpHeader: 'X-Forwarded-For',
    },
    // The simulator trusts nginx's identity header: the shipped pattern (X-Forwarded-User).
    siteCredentialMode: 'identity-header',
  });
  const created = (await api(at, 'POST', '/tokens', basic('alice', 'alice'), {
    name: 'bench',
    validity: 'never',
  })) as { secret: string };
  return { process: companion, sqliteFile, secret, authorization: basic('alice', created.secret) };
}

export function benchContext(
  dir: string,
  step: (text: string) => void,
): BenchContext & { stopAll(): Promise<void> } {
  const stops: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
  let shared: Promise<SharedCompanion> | undefined;
  const ctx: BenchContext & { stopAll(): Promise<void> } = {
    dir,
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    // (a) and (b) are measured in back-to-back pairs this many times: a shared machine's speed
    // drifts by tens of percent within minutes, so one (a) and a later (b) compare two machines.
    pairs: Number(process.env.BENCH_PAIRS ?? 3),
    connections: 16,
    nginxAddress: '127.0.0.3',
    site: '',
    companionAddress: '',
    step,
    onStop: (item) => stops.push(item),
    companion: () => {
      shared ??= startShared(ctx);
      return shared;
    },
    async stopAll() {
      for (const item of stops.reverse()) await ('stop' in item ? item.stop() : item.close());
    },
  };
  return ctx;
}

async function startShared(ctx: BenchContext): Promise<SharedCompanion> {
  ctx.step('starting the simulated Jira and a companion (SQLite, log level info to a file)');
  const simPort = await freePort();
  const sim = await startProcess(
    'simulator',
    [
      '--import',
      'tsx',
      'test/atlassian-sim/cli.ts',
      '--flavour',
      'jira9',
      '--port',
      String(simPort),
      '--trusted-proxy',
      ctx.nginxAddress,
    ],
    { dir: ctx.dir, ready: /simulator:/ },
  );
  ctx.onStop(sim);
  ctx.site = `127.0.0.1:${simPort}`;
  const companionPort = await freePort();
  const started = await startCompanion(ctx, 'companion', `127.0.0.1:${companionPort}`);
  ctx.companionAddress = `127.0.0.1:${companionPort}`;
  const base = `http://127.0.0.1:${companionPort}`;
  const { process: companion, sqliteFile, secret } = started;
  return {
    companion,
    sqliteFile,
    secret,
    authRequest: `${base}/api-token-auth/authz/auth-request`,
    valid: {
      Authorization: started.authorization,
      'X-Original-Method': 'GET',
      'X-Original-URI': '/rest/api/2/myself',
      'X-Forwarded-For': '198.51.100.10',
    },
    tokens: Number(process.env.BENCH_TOKENS ?? 1_000_000),
  };
}
