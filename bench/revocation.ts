// Revocation across two instances: two companion processes on one fresh PostgreSQL database
// behind the simulated Jira. Each trial creates a token on A, has B answer it from its cache,
// deletes it on A and asks B again and again until B refuses it. The delay is counted from A's
// answer to the delete (the token is gone, and A refuses it) to B's first refusal; the target is
// a p99 of at most 1 s (BENCH_REVOCATION_TRIALS, default 100).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../test/support/nginx.ts';
import type { BenchContext, GroupReport } from './context.ts';
import { basic } from './flood.ts';
import { ROOT, startProcess } from './processes.ts';

const TRIALS = Number(process.env.BENCH_REVOCATION_TRIALS ?? 100);
const PG_ADMIN_URL = process.env.ATA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ALICE = basic('alice', 'alice');
const ADMIN = basic('admin', 'admin');

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function call(base: string, method: string, pathname: string, auth: string, body?: unknown) {
  const res = await fetch(`${base}/api-token-auth/api/v1${pathname}`, {
    method,
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/**
 * The status the companion at `base` answers nginx's question about this token with. Each trial
 * comes from an address of its own: a deleted token is a wrong token, and 30 of them from one
 * address would block it (answered "throttled", not "invalid").
 */
async function check(base: string, authorization: string, from: string): Promise<number> {
  const res = await fetch(`${base}/api-token-auth/authz/auth-request`, {
    headers: {
      Authorization: authorization,
      'X-Original-Method': 'GET',
      'X-Original-URI': '/rest/api/2/myself',
      'X-Forwarded-For': from,
    },
  });
  await res.arrayBuffer();
  return res.status;
}

function percentile(sorted: number[], p: number): number {
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  return Math.round(value * 100) / 100;
}

export async function revocationCases(ctx: BenchContext): Promise<GroupReport> {
  await ctx.companion();
  const database = `ata_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${database}`);
  ctx.onStop({ close: () => adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) });
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  const secret = randomBytes(32).toString('base64url');
  const start = async (name: string) => {
    const port = await freePort();
    ctx.step(`starting companion ${name} on PostgreSQL (${database})`);
    const companion = await startProcess(
      `companion-${name}`,
      [path.join(ROOT, 'server/bin/api-token-auth.js'), 'serve'],
      {
        dir: ctx.dir,
        env: {
          ATA_SITE_URL: `http://${ctx.site}`,
          ATA_PRODUCT: 'jira',
          ATA_DATABASE_URL: url.toString(),
          ATA_SECRET: secret,
          ATA_SERVICE_AUTH: ADMIN,
          ATA_BASE_PATH: '/api-token-auth',
          ATA_LISTEN: `127.0.0.1:${port}`,
          ATA_LOG_LEVEL: 'info',
        },
        ready: /listening on/,
      },
    );
    ctx.onStop(companion);
    return `http://127.0.0.1:${port}`;
  };
  const a = await start('A');
  const b = await start('B');
  const settings = await call(a, 'GET', '/admin/settings', ADMIN);
  await call(a, 'PUT', '/admin/settings', ADMIN, {
    ...settings,
    reverseProxy: { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' },
    siteCredentialMode: 'identity-header',
  });

  ctx.step(`(r) revocation across two instances: ${TRIALS} trials`);
  const afterAnswer: number[] = [];
  const afterRequest: number[] = [];
  let polls = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const created = (await call(a, 'POST', '/tokens', ALICE, { name: `r${trial}`, validity: 'never' })) as {
      secret: string;
      token: { id: string };
    };
    // Bearer: no claimed name, whose wrong tokens would be counted across the trials too.
    const authorization = `Bearer ${created.secret}`;
    const from = `198.18.${trial >> 8}.${trial & 255}`;
    // The second answer comes from B's decision cache: that is what the delete must reach.
    for (let i = 0; i < 2; i++) {
      if ((await check(b, authorization, from)) !== 200) throw new Error('B refused a fresh token');
    }
    const sent = performance.now();
    await call(a, 'DELETE', `/tokens/${created.token.id}`, ALICE);
    const answered = performance.now();
    for (;;) {
      polls++;
      if ((await check(b, authorization, from)) === 401) break;
      if (performance.now() - answered > 10_000)
        throw new Error('B still allowed a deleted token after 10 s');
    }
    const refused = performance.now();
    afterAnswer.push(refused - answered);
    afterRequest.push(refused - sent);
  }
  afterAnswer.sort((x, y) => x - y);
  afterRequest.sort((x, y) => x - y);
  return {
    results: [],
    ratios: {
      'revocation A→B, from A’s answer: p50 ms': percentile(afterAnswer, 50),
      'revocation A→B, from A’s answer: p99 ms (target ≤ 1000)': percentile(afterAnswer, 99),
      'revocation A→B, from A’s answer: max ms': percentile(afterAnswer, 100),
      'revocation A→B, from the delete request: p99 ms': percentile(afterRequest, 99),
      'revocation: B asked per trial (mean)': Math.round((polls / TRIALS) * 10) / 10,
    },
    trials: TRIALS,
  };
}
