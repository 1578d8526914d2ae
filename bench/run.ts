// `npm run bench`: how much the validation plane costs. Starts real processes (a do-nothing Node
// server, the simulated Jira, a companion on SQLite, Debian's nginx with the shipped config) and
// drives them with autocannon. Writes bench/results/latest.json and prints the table, with each
// server's CPU time per answered request (from /proc) beside the rates.
// BENCH_SECONDS (default 5) per case, BENCH_TOKENS (default 1,000,000) stored tokens,
// BENCH_PAIRS (default 3) back-to-back pairs, of which the median ratio is reported.
// BENCH_CASES (default: every group) a comma-separated list of the groups below; a run of some
// groups replaces only theirs in latest.json, so figures of one group always come from one run.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { type BenchContext, benchContext, type GroupReport, startCompanion } from './context.ts';
import { engineCases } from './engine.ts';
import type { CaseResult } from './load.ts';
import { ROOT } from './processes.ts';
import { proxyCases } from './proxy.ts';
import { revocationCases } from './revocation.ts';
import { siteTokenCases } from './site-token.ts';

const GROUPS: Record<string, (ctx: BenchContext) => Promise<GroupReport>> = {
  engine: engineCases,
  proxy: async (ctx) => {
    const shared = await ctx.companion();
    return proxyCases({
      dir: ctx.dir,
      tcp: {
        address: ctx.companionAddress,
        process: shared.companion,
        authorization: shared.valid.Authorization,
      },
      startOnSocket: async (socket) => {
        const started = await startCompanion(ctx, 'companion-unix', `unix:${socket}`);
        return { address: `unix:${socket}`, process: started.process, authorization: started.authorization };
      },
      bind: ctx.nginxAddress,
      seconds: ctx.seconds,
      pairs: ctx.pairs,
      connections: ctx.connections,
      rate: Number(process.env.BENCH_RATE ?? 2000),
      step: ctx.step,
    });
  },
  revocation: revocationCases,
  'site-token': siteTokenCases,
};

const RESULTS = path.join(ROOT, 'bench/results/latest.json');
const step = (text: string) => process.stderr.write(`• ${text}  (load ${loadavg()[0]?.toFixed(2)})\n`);

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

async function previousGroups(): Promise<Record<string, unknown>> {
  try {
    const previous = JSON.parse(await readFile(RESULTS, 'utf8')) as Record<string, unknown> & {
      groups?: Record<string, unknown>;
    };
    // A file from before the groups held only the engine's cases, at its top level.
    if (previous.groups === undefined && previous.results !== undefined) {
      const { machine: _machine, ...engine } = previous;
      return { engine };
    }
    return previous.groups ?? {};
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  const names = (process.env.BENCH_CASES ?? Object.keys(GROUPS).join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(name in GROUPS));
  if (unknown.length > 0)
    throw new Error(
      `BENCH_CASES: unknown group ${unknown.join(', ')} (known: ${Object.keys(GROUPS).join(', ')})`,
    );
  const dir = await mkdtemp(path.join(tmpdir(), 'ata-bench-'));
  const ctx = benchContext(dir, step);
  const groups = await previousGroups();
  try {
    for (const name of names) {
      const run = GROUPS[name] as (ctx: BenchContext) => Promise<GroupReport>;
      // Each group's load average at its start and end: the machine is shared, figures drift with it.
      const loadBefore = loadavg().map((l) => Math.round(l * 100) / 100);
      const report = await run(ctx);
      groups[name] = {
        at: new Date().toISOString(),
        loadAverage: { before: loadBefore, after: loadavg().map((l) => Math.round(l * 100) / 100) },
        settings: { secondsPerCase: ctx.seconds, connections: ctx.connections, pairs: ctx.pairs },
        ...report,
      };
      console.log(`\n${name}\n${table(report.results)}\n`);
      for (const [label, value] of Object.entries({ ...report.ratios, ...(report.memory ?? {}) }))
        console.log(`${label.padEnd(60)} ${value}`);
    }
  } finally {
    await ctx.stopAll();
    await rm(dir, { recursive: true, force: true });
  }
  const machine = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version };
  await writeFile(RESULTS, `${JSON.stringify({ machine, groups }, null, 2)}\n`);
  console.log(`\nwritten to ${path.relative(ROOT, RESULTS)}`);
}

await main();
