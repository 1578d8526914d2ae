// Site-token mode's cost on the validation plane, in process (no HTTP in front of the companion):
// the cached path (a hit: no store, no site, the unsealed PAT from memory) against identity-header
// mode's, and the cache-miss path (the store lookup, unsealing the owner's PAT with the token's
// secret, and asking the site who the PAT is) against identity-header mode's miss (the store and
// a user lookup with the service credential). The site is the simulated Jira on loopback, so a
// miss here is a lower bound: a real site answers in milliseconds, not hundreds of microseconds.
// BENCH_SITE_TOKEN_HITS (default 20,000) and BENCH_SITE_TOKEN_MISSES (default 300).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pino from 'pino';
import type { AuthzRequest } from '../server/authz/decision-engine.ts';
import { loadConfig } from '../server/config.ts';
import { wireCompanion } from '../server/wiring.ts';
import { startSimulator } from '../test/atlassian-sim/index.ts';
import type { BenchContext, GroupReport } from './context.ts';
import { basic } from './flood.ts';
import type { CaseResult } from './load.ts';

const HITS = Number(process.env.BENCH_SITE_TOKEN_HITS ?? 20_000);
const MISSES = Number(process.env.BENCH_SITE_TOKEN_MISSES ?? 300);
const ctxOf = { actor: 'admin', remoteIp: null };

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

function summary(name: string, samplesMs: number[]): CaseResult {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const total = samplesMs.reduce((a, b) => a + b, 0);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return {
    name,
    reqPerSec: Math.round((samplesMs.length / total) * 1000),
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    requests: samplesMs.length,
    non2xx: 0,
    errors: 0,
  };
}

export async function siteTokenCases(ctx: BenchContext): Promise<GroupReport> {
  ctx.step('site-token: starting the simulated Jira and an in-process companion (SQLite)');
  const sim = await startSimulator({ flavour: 'jira9' });
  ctx.onStop(sim);
  const config = loadConfig({
    ATA_SITE_URL: sim.baseUrl,
    ATA_PRODUCT: 'jira',
    ATA_DATABASE_URL: `sqlite://${path.join(ctx.dir, 'site-token.sqlite')}`,
    ATA_SECRET: randomBytes(32).toString('base64url'),
    ATA_SERVICE_AUTH: `Bearer ${sim.state.createPersonalAccessToken('admin')}`,
    ATA_BASE_PATH: '/api-token-auth',
  });
  // Site lookups uncached, so every miss asks the site as a first request after 30 s would.
  const companion = await wireCompanion(config, { logger: pino({ level: 'silent' }), directoryTtlMs: 0 });
  ctx.onStop({ close: () => companion.shutdown() });
  const { deps } = companion;
  const login = await fetch(`${sim.baseUrl}/login.jsp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ os_username: 'alice', os_password: 'alice' }),
    redirect: 'manual',
  });
  const cookie =
    (login.headers.getSetCookie().find((c) => c.startsWith('JSESSIONID=')) ?? '').split(';')[0] ?? '';
  const alice = await deps.directory.whoAmI({ cookie });
  if (alice === null) throw new Error('site-token bench: could not log in as alice');
  const issuer = {
    ...alice,
    permissions: { useTokens: true, createOwnTokens: true, createTokensForOthers: false },
  };
  const { secret } = await deps.tokens.createOwn(issuer, { name: 'bench', validity: 'never' }, ctxOf);
  if (
    (await deps.siteCredentials.provision({ username: alice.username, key: alice.key }, { cookie })) !==
    'ready'
  ) {
    throw new Error('site-token bench: provisioning failed');
  }
  const request: AuthzRequest = {
    method: 'GET',
    path: '/rest/api/2/myself',
    authorization: [basic('alice', secret)],
    peer: '127.0.0.1',
    headers: {},
  };
  const once = async (miss: boolean) => {
    if (miss) deps.authz.cache.clear();
    const start = process.hrtime.bigint();
    const decision = await deps.authz.check(request);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (decision.decision !== 'allow') throw new Error(`site-token bench: refused (${decision.reason})`);
    return ms;
  };
  const measure = async (miss: boolean, count: number) => {
    await once(miss);
    const samples: number[] = [];
    for (let i = 0; i < count; i++) samples.push(await once(miss));
    return samples;
  };
  const results: CaseResult[] = [];
  for (const mode of ['site-token', 'identity-header'] as const) {
    await deps.settings.update({ ...(await deps.settings.get()), siteCredentialMode: mode }, ctxOf);
    ctx.step(`site-token: ${mode}, ${HITS} cached checks`);
    results.push(summary(`${mode}: cached`, await measure(false, HITS)));
    ctx.step(`site-token: ${mode}, ${MISSES} cache misses`);
    results.push(summary(`${mode}: cache miss`, await measure(true, MISSES)));
  }
  const p = (name: string) => results.find((r) => r.name === name) as CaseResult;
  return {
    results,
    ratios: {
      'cached p50, site-token / identity-header': Number(
        (p('site-token: cached').p50 / p('identity-header: cached').p50).toFixed(2),
      ),
      'miss p50, site-token / identity-header': Number(
        (p('site-token: cache miss').p50 / p('identity-header: cache miss').p50).toFixed(2),
      ),
    },
  };
}
