// `npm run bench`: how much the validation plane costs. Starts real processes (a do-nothing Node
// server, the simulated Jira, a companion on SQLite, Debian's nginx with the shipped config) and
// drives them with autocannon. Writes bench/results/latest.json and prints the table, with each
// server's CPU time per answered request (from /proc) beside the rates.
// BENCH_SECONDS (default 5) per case, BENCH_TOKENS (default 1,000,000) stored tokens,
// BENCH_PAIRS (default 3) back-to-back (a)/(b) pairs, of which the median ratio is reported.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startNginx } from '../test/support/nginx.ts';
import { basic, flood } from './flood.ts';
import { type CaseResult, measure } from './load.ts';
import { type BenchProcess, DO_NOTHING_SERVER, ROOT, startProcess } from './processes.ts';
import { seedTokens } from './seed.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// (a) and (b) are measured in back-to-back pairs this many times: a shared machine's speed drifts
// by tens of percent within minutes, so one (a) and a later (b) compare two different machines.
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 1_000_000);
const CONNECTIONS = 16;
const NGINX_ADDRESS = '127.0.0.3';
const step = (text: string) => process.stderr.write(`• ${text}\n`);

async function api(base: string, method: string, pathname: string, auth: string, body?: unknown) {
  const res = await fetch(`${base}/api-token-auth/api/v1${pathname}`, {
    method,
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return res.json();
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

function table(results: CaseResult[]): string {
  const head = ['case', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'server µs/req'];
  const rows = results.map((r) => [
    r.name,
    String(r.reqPerSec),
    String(r.p50),
    String(r.p99),
    String(r.non2xx),
    r.serverCpuUs === undefined ? '' : String(r.serverCpuUs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ata-bench-'));
  const running: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
  const results: CaseResult[] = [];
  try {
    step('starting a do-nothing Node server');
    const plainPort = await freePort();
    const plain = await startProcess('do-nothing', ['-e', DO_NOTHING_SERVER], {
      dir,
      env: { PORT: String(plainPort) },
      ready: /listening/,
    });
    running.push(plain);

    step('starting the simulated Jira and a companion (SQLite, log level info to a file)');
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
        NGINX_ADDRESS,
      ],
      { dir, ready: /simulator:/ },
    );
    running.push(sim);
    const companionPort = await freePort();
    const secret = randomBytes(32).toString('base64url');
    const sqliteFile = path.join(dir, 'companion.sqlite');
    const companion: BenchProcess = await startProcess(
      'companion',
      [path.join(ROOT, 'server/bin/api-token-auth.js'), 'serve'],
      {
        dir,
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
    running.push(companion);
    const base = `http://127.0.0.1:${companionPort}`;
    const settings = await api(base, 'GET', '/admin/settings', basic('admin', 'admin'));
    await api(base, 'PUT', '/admin/settings', basic('admin', 'admin'), {
      ...settings,
      reverseProxy: {
        enabled: true,
        trustedProxies: ['127.0.0.1', NGINX_ADDRESS],
        clientIpHeader: 'X-Forwarded-For',
      },
    });
    const created = (await api(base, 'POST', '/tokens', basic('alice', 'alice'), {
      name: 'bench',
      validity: 'never',
    })) as {
      secret: string;
    };
    const valid = {
      Authorization: basic('alice', created.secret),
      'X-Original-Method': 'GET',
      'X-Original-URI': '/rest/api/2/myself',
      'X-Forwarded-For': '198.51.100.10',
    };
    const authRequest = `${base}/api-token-auth/authz/auth-request`;

    const pairs: Array<{ a: CaseResult; b: CaseResult; ratio: number }> = [];
    for (let pair = 1; pair <= PAIRS; pair++) {
      step(
        `(a) do-nothing server, then (b) auth-request with a valid token: pair ${pair} of ${PAIRS}, ${SECONDS} s each`,
      );
      const a = await measure('(a) do-nothing Node http', {
        url: `http://127.0.0.1:${plainPort}/`,
        headers: valid,
        connections: CONNECTIONS,
        durationSeconds: SECONDS,
        serverCpu: () => plain.cpuMicros(),
      });
      const b = await measure('(b) auth-request, valid token', {
        url: authRequest,
        headers: valid,
        connections: CONNECTIONS,
        durationSeconds: SECONDS,
        serverCpu: () => companion.cpuMicros(),
      });
      pairs.push({ a, b, ratio: b.reqPerSec / a.reqPerSec });
    }
    // The pair with the median ratio stands for the run; every pair's ratio goes in the report.
    const median = [...pairs].sort((x, y) => x.ratio - y.ratio)[Math.floor((pairs.length - 1) / 2)];
    if (median === undefined) throw new Error('BENCH_PAIRS must be at least 1');
    const { a, b } = median;
    results.push(a, b);

    step(`seeding ${TOKENS.toLocaleString('en')} tokens`);
    await seedTokens(sqliteFile, Buffer.from(secret, 'utf8'), TOKENS);
    step(`(c) auth-request with a valid token, ${TOKENS.toLocaleString('en')} tokens stored, ${SECONDS} s`);
    const c = await measure(`(c) same, ${TOKENS.toLocaleString('en')} tokens`, {
      url: authRequest,
      headers: valid,
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
      serverCpu: () => companion.cpuMicros(),
    });
    results.push(c);
    const rssAfterC = await companion.rssMb();

    // (d) at fixed rates, so the comparison shows what wrong tokens cost, not how a closed loop
    // queues: valid tokens at 10 % of (c)'s rate, alone and beside a flood at 50 % of it.
    step('(d) valid tokens alone, then beside a flood of wrong tokens (fixed rates)');
    const validRate = Math.max(100, Math.round(c.reqPerSec * 0.1));
    const floodRate = Math.max(500, Math.round(c.reqPerSec * 0.5));
    const half = CONNECTIONS / 2;
    const validOptions = {
      url: authRequest,
      headers: valid,
      connections: half,
      durationSeconds: SECONDS,
      rate: validRate,
    };
    const validAlone = await measure(`(d0) valid token alone, ${validRate}/s`, validOptions);
    // (d1) and (d2) guess at alice's tokens, so past 10 failures her name is blocked and the
    // rest are refused as throttled (still after a store lookup, so her own tokens keep working);
    // (d3) makes up a new name each time, so no block ever applies: every request reaches the store.
    const floodOf = (label: string, from: string, user: string) =>
      flood({
        name: `${label} flood ${floodRate}/s: wrong tokens, ${from === 'random' ? 'random addresses' : 'one address'}${user === 'random' ? ', made-up names' : ''}`,
        url: authRequest,
        rate: floodRate,
        connections: half,
        durationSeconds: SECONDS,
        from,
        user,
      });
    // The flood's row carries the companion's CPU per answered request of both streams together.
    const beside = async (label: string, from: string, user: string) => {
      const cpuBefore = await companion.cpuMicros();
      const [floodResult, valid] = await Promise.all([
        floodOf(label, from, user),
        measure(`${label} valid token during it`, validOptions),
      ]);
      // Both include a one-second warm-up that the CPU time also covers.
      const answered = (floodResult.requests + valid.requests) * ((SECONDS + 1) / SECONDS);
      const serverCpuUs = Math.round((((await companion.cpuMicros()) - cpuBefore) / answered) * 10) / 10;
      return [{ ...floodResult, serverCpuUs }, valid] as const;
    };
    const [floodSpread, validDuringSpread] = await beside('(d1)', 'random', 'alice');
    const [floodOne, validDuringOne] = await beside('(d2)', '203.0.113.99', 'alice');
    const [floodNames, validDuringNames] = await beside('(d3)', 'random', 'random');
    results.push(
      validAlone,
      floodSpread,
      validDuringSpread,
      floodOne,
      validDuringOne,
      floodNames,
      validDuringNames,
    );
    const rssAfterD = await companion.rssMb();

    step('(e) nginx (shipped config) → simulator, without and with the auth_request check');
    const nginx = await startNginx({
      site: `127.0.0.1:${simPort}`,
      companion: `127.0.0.1:${companionPort}`,
      bind: NGINX_ADDRESS,
    });
    running.push(nginx);
    const site = `${nginx.origin}/rest/api/2/serverInfo`;
    const e1 = await measure('(e1) nginx → site, no credentials', {
      url: site,
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
    });
    const e2 = await measure('(e2) nginx → site, token (auth_request)', {
      url: site,
      headers: { Authorization: basic('alice', created.secret) },
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
    });
    results.push(e1, e2);

    const ratios = {
      'b/a req/s (target ≥ 0.8)': ratio(b.reqPerSec, a.reqPerSec),
      'b/a of each pair': pairs.map((p) => ratio(p.ratio, 1)).join(' '),
      'a/b server CPU per request': ratio(a.serverCpuUs ?? Number.NaN, b.serverCpuUs ?? Number.NaN),
      'c/b req/s (target ≥ 0.95)': ratio(c.reqPerSec, b.reqPerSec),
      'd1 valid p99 / alone p99 (target < 2)': ratio(validDuringSpread.p99, validAlone.p99),
      'd2 valid p99 / alone p99 (target < 2)': ratio(validDuringOne.p99, validAlone.p99),
      'd3 valid p99 / alone p99 (target < 2)': ratio(validDuringNames.p99, validAlone.p99),
      'e2/e1 req/s': ratio(e2.reqPerSec, e1.reqPerSec),
    };
    const memory = {
      'companion RSS after (c), MB (target < 200)': rssAfterC,
      'companion RSS after (d), MB': rssAfterD,
    };
    const report = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      settings: { secondsPerCase: SECONDS, connections: CONNECTIONS, tokensStored: TOKENS, pairs: PAIRS },
      results,
      ratios,
      memory,
    };
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(path.join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${table(results)}\n`);
    for (const [name, value] of Object.entries({ ...ratios, ...memory }))
      console.log(`${name.padEnd(44)} ${value}`);
    console.log('\nwritten to bench/results/latest.json');
  } finally {
    for (const item of running.reverse()) await ('stop' in item ? item.stop() : item.close());
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
