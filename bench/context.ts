// What the benchmark's case groups share: settings from the environment, a scratch directory, the
// processes to stop at the end, and (started on first use) the simulated Jira with one companion
// on SQLite and a valid token of alice's.
import { randomBytes } from 'node:crypto';
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

async function api(base: string, method: string, pathname: string, auth: string, body?: unknown) {
  const res = await fetch(`${base}/api-token-auth/api/v1${pathname}`, {
    method,
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return res.json();
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
  const companionPort = await freePort();
  const secret = randomBytes(32).toString('base64url');
  const sqliteFile = path.join(ctx.dir, 'companion.sqlite');
  const companion = await startProcess(
    'companion',
    [path.join(ROOT, 'server/bin/api-token-auth.js'), 'serve'],
    {
      dir: ctx.dir,
      env: {
        ATA_SITE_URL: `http://127.0.0.1:${simPort}`,
        ATA_PRODUCT: 'jira',
        ATA_DATABASE_URL: `sqlite://${sqliteFile}`,
        ATA_SECRET: secret,
        ATA_SERVICE_AUTH: basic('admin', 'admin'),
        ATA_BASE_PATH: '/api-token-auth',
        ATA_LISTEN: `127.0.0.1:${companionPort}`,
        ATA_LOG_LEVEL: 'info',
      },
      ready: /listening on/,
    },
  );
  ctx.onStop(companion);
  const base = `http://127.0.0.1:${companionPort}`;
  const settings = await api(base, 'GET', '/admin/settings', basic('admin', 'admin'));
  await api(base, 'PUT', '/admin/settings', basic('admin', 'admin'), {
    ...settings,
    reverseProxy: {
      enabled: true,
      trustedProxies: ['127.0.0.1', ctx.nginxAddress],
      clientIpHeader: 'X-Forwarded-For',
    },
    // The simulator trusts nginx's identity header: the shipped pattern (X-Forwarded-User).
    siteCredentialMode: 'identity-header',
  });
  const created = (await api(base, 'POST', '/tokens', basic('alice', 'alice'), {
    name: 'bench',
    validity: 'never',
  })) as { secret: string };
  ctx.site = `127.0.0.1:${simPort}`;
  ctx.companionAddress = `127.0.0.1:${companionPort}`;
  return {
    companion,
    sqliteFile,
    secret,
    authRequest: `${base}/api-token-auth/authz/auth-request`,
    valid: {
      Authorization: basic('alice', created.secret),
      'X-Original-Method': 'GET',
      'X-Original-URI': '/rest/api/2/myself',
      'X-Forwarded-For': '198.51.100.10',
    },
    tokens: Number(process.env.BENCH_TOKENS ?? 1_000_000),
  };
}
