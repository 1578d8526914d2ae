// (a)–(e): what the validation plane costs at the companion itself. (a) a do-nothing Node server
// and (b) /authz/auth-request with a valid token in back-to-back pairs, (c) with many tokens
// stored, (d) a valid token's latency beside floods of wrong tokens, (e) nginx without and with
// the auth_request check.
import { freePort, startNginx } from '../test/support/nginx.ts';
import type { BenchContext, GroupReport } from './context.ts';
import { flood } from './flood.ts';
import { type CaseResult, measure } from './load.ts';
import { type BenchProcess, DO_NOTHING_SERVER, startProcess } from './processes.ts';
import { seedTokens } from './seed.ts';

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export async function engineCases(ctx: BenchContext): Promise<GroupReport> {
  const { step, seconds, pairs: pairCount, connections } = ctx;
  const { companion, sqliteFile, secret, authRequest, valid, tokens } = await ctx.companion();
  step('starting a do-nothing Node server');
  const plainPort = await freePort();
  const plain = await startProcess('do-nothing', ['-e', DO_NOTHING_SERVER], {
    dir: ctx.dir,
    env: { PORT: String(plainPort) },
    ready: /listening/,
  });
  ctx.onStop(plain);
  const results: CaseResult[] = [];

  const pairs: Array<{ a: CaseResult; b: CaseResult; ratio: number }> = [];
  for (let pair = 1; pair <= pairCount; pair++) {
    step(
      `(a) do-nothing server, then (b) auth-request with a valid token: pair ${pair} of ${pairCount}, ${seconds} s each`,
    );
    const a = await measure('(a) do-nothing Node http', {
      url: `http://127.0.0.1:${plainPort}/`,
      headers: valid,
      connections,
      durationSeconds: seconds,
      serverCpu: () => plain.cpuMicros(),
    });
    const b = await measure('(b) auth-request, valid token', {
      url: authRequest,
      headers: valid,
      connections,
      durationSeconds: seconds,
      serverCpu: () => companion.cpuMicros(),
    });
    pairs.push({ a, b, ratio: b.reqPerSec / a.reqPerSec });
  }
  // The pair with the median ratio stands for the run; every pair's ratio goes in the report.
  const median = [...pairs].sort((x, y) => x.ratio - y.ratio)[Math.floor((pairs.length - 1) / 2)];
  if (median === undefined) throw new Error('BENCH_PAIRS must be at least 1');
  const { a, b } = median;
  results.push(a, b);

  step(`seeding ${tokens.toLocaleString('en')} tokens`);
  await seedTokens(sqliteFile, Buffer.from(secret, 'utf8'), tokens);
  step(`(c) auth-request with a valid token, ${tokens.toLocaleString('en')} tokens stored, ${seconds} s`);
  const c = await measure(`(c) same, ${tokens.toLocaleString('en')} tokens`, {
    url: authRequest,
    headers: valid,
    connections,
    durationSeconds: seconds,
    serverCpu: () => companion.cpuMicros(),
  });
  results.push(c);
  const rssAfterC = await companion.rssMb();

  // (d) at fixed rates, so the comparison shows what wrong tokens cost, not how a closed loop
  // queues: valid tokens at 10 % of (c)'s rate, alone and beside a flood at 50 % of it; then
  // (D) at the absolute rates of a busy Data Center node, the same on every machine.
  step('(d) valid tokens alone, then beside a flood of wrong tokens (fixed rates)');
  const relative = await floods(ctx, 'd', {
    validRate: Math.max(100, Math.round(c.reqPerSec * 0.1)),
    floodRate: Math.max(500, Math.round(c.reqPerSec * 0.5)),
    authRequest,
    valid,
    companion,
  });
  step('(D) the same at 500/s valid and 2,000/s wrong tokens');
  const absolute = await floods(ctx, 'D', { validRate: 500, floodRate: 2000, authRequest, valid, companion });
  results.push(...relative.results, ...absolute.results);
  const rssAfterD = await companion.rssMb();

  step('(e) nginx (shipped config) → simulator, without and with the auth_request check');
  const nginx = await startNginx({ site: ctx.site, companion: ctx.companionAddress, bind: ctx.nginxAddress });
  ctx.onStop(nginx);
  const site = `${nginx.origin}/rest/api/2/serverInfo`;
  const e1 = await measure('(e1) nginx → site, no credentials', {
    url: site,
    connections,
    durationSeconds: seconds,
  });
  const e2 = await measure('(e2) nginx → site, token (auth_request)', {
    url: site,
    headers: { Authorization: valid.Authorization },
    connections,
    durationSeconds: seconds,
  });
  results.push(e1, e2);

  return {
    results,
    ratios: {
      'b/a req/s (retired target 0.8)': ratio(b.reqPerSec, a.reqPerSec),
      'b/a of each pair': pairs.map((p) => ratio(p.ratio, 1)).join(' '),
      'a/b server CPU per request': ratio(a.serverCpuUs ?? Number.NaN, b.serverCpuUs ?? Number.NaN),
      'c/b req/s (target ≥ 0.95)': ratio(c.reqPerSec, b.reqPerSec),
      ...relative.ratios,
      ...absolute.ratios,
      'e2/e1 req/s': ratio(e2.reqPerSec, e1.reqPerSec),
    },
    memory: {
      'companion RSS after (c), MB (target < 200)': rssAfterC,
      'companion RSS after (d), MB': rssAfterD,
    },
  };
}

interface FloodOptions {
  validRate: number;
  floodRate: number;
  authRequest: string;
  valid: Record<string, string>;
  companion: BenchProcess;
}

/** A valid-token stream alone, then beside each of three floods of wrong tokens. */
async function floods(ctx: BenchContext, label: string, options: FloodOptions) {
  const { seconds, connections } = ctx;
  const { validRate, floodRate, authRequest, companion } = options;
  const half = connections / 2;
  const validOptions = {
    url: authRequest,
    headers: options.valid,
    connections: half,
    durationSeconds: seconds,
    rate: validRate,
  };
  const validAlone = await measure(`(${label}0) valid token alone, ${validRate}/s`, validOptions);
  // (1) and (2) guess at alice's tokens, so past 10 failures her name is blocked and the rest
  // are refused as throttled (still after a store lookup, so her own tokens keep working);
  // (3) makes up a new name each time, so no block ever applies: every request reaches the store.
  const floodOf = (name: string, from: string, user: string) =>
    flood({
      name: `${name} flood ${floodRate}/s: wrong tokens, ${from === 'random' ? 'random addresses' : 'one address'}${user === 'random' ? ', made-up names' : ''}`,
      url: authRequest,
      rate: floodRate,
      connections: half,
      durationSeconds: seconds,
      from,
      user,
    });
  // The flood's row carries the companion's CPU per answered request of both streams together.
  const beside = async (name: string, from: string, user: string) => {
    const cpuBefore = await companion.cpuMicros();
    const [floodResult, during] = await Promise.all([
      floodOf(name, from, user),
      measure(`${name} valid token during it`, validOptions),
    ]);
    // Both include a one-second warm-up that the CPU time also covers.
    const answered = (floodResult.requests + during.requests) * ((seconds + 1) / seconds);
    const serverCpuUs = Math.round((((await companion.cpuMicros()) - cpuBefore) / answered) * 10) / 10;
    return [{ ...floodResult, serverCpuUs }, during] as const;
  };
  const results: CaseResult[] = [validAlone];
  const ratios: Record<string, number> = {};
  for (const [n, from, user] of [
    ['1', 'random', 'alice'],
    ['2', '203.0.113.99', 'alice'],
    ['3', 'random', 'random'],
  ] as const) {
    const [floodResult, during] = await beside(`(${label}${n})`, from, user);
    results.push(floodResult, during);
    ratios[`${label}${n} valid p99 / alone p99 (target < 2)`] = ratio(during.p99, validAlone.p99);
  }
  return { results, ratios };
}
