// (f)–(h): the whole path through Debian's nginx with the shipped config (auth_request, keep-alive
// upstream), with the companion as the auth_request target against a do-nothing auth stub, in
// the same run, in front of the same site. The site is a do-nothing Node server rather than the
// simulator: a slow site would hide what the check costs (the simulator's Koa stack answers
// fewer requests a second than the check does), and Jira's own time is not the companion's.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { generateToken } from '../shared/token.ts';
import { freePort, type RunningNginx, startNginx } from '../test/support/nginx.ts';
import type { GroupReport } from './context.ts';
import { basic } from './flood.ts';
import { type CaseResult, type LoadOptions, measure } from './load.ts';
import {
  AUTH_STUB_SERVER,
  type BenchProcess,
  DO_NOTHING_SERVER,
  startProcess,
  treeCpuMicros,
} from './processes.ts';

const run = promisify(execFile);

export interface ProxyBenchOptions {
  dir: string;
  /** host:port of the companion, or unix:/path when it listens on a Unix socket. */
  companion: string;
  /** The companion, for its CPU time. */
  companionProcess: BenchProcess;
  /** The address nginx connects from (the site's and the companion's trusted proxy). */
  bind: string;
  /** A valid token's Authorization header. */
  authorization: string;
  seconds: number;
  pairs: number;
  connections: number;
  /** The fixed rate of (g), requests per second. */
  rate: number;
  step(text: string): void;
}

export interface PairFigures {
  stub: CaseResult;
  companion: CaseResult;
  /** TIME-WAIT sockets left on the companion's port by the companion's run: nginx reconnecting. */
  companionTimeWait?: number;
}

export interface ProxyReport extends GroupReport {
  pairs: { saturated: PairFigures[]; fixedRate: PairFigures[] };
}

/** TIME-WAIT sockets on a TCP port, either side (`ss`); none for a Unix socket. */
async function timeWaitOn(address: string): Promise<number | undefined> {
  const port = /:(\d+)$/.exec(address)?.[1];
  if (address.startsWith('unix:') || port === undefined) return undefined;
  const { stdout } = await run('ss', [
    '-tanH',
    'state',
    'time-wait',
    `( sport = :${port} or dport = :${port} )`,
  ]);
  return stdout.split('\n').filter(Boolean).length;
}

/** nginx's master pid. Its file exists as soon as nginx has bound, but may not hold the number yet. */
async function nginxPid(nginx: RunningNginx): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const pid = Number((await readFile(`${nginx.dir}/nginx.pid`, 'utf8')).trim());
    if (pid > 0) return pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${nginx.dir}/nginx.pid stayed empty`);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};
const round2 = (n: number) => Math.round(n * 100) / 100;

export async function proxyCases(options: ProxyBenchOptions): Promise<ProxyReport> {
  const { step } = options;
  const running: Array<{ close(): Promise<void> } | BenchProcess> = [];
  try {
    step(
      '(f, g) starting a do-nothing auth stub and two nginx (shipped config): one asks the stub, one the companion',
    );
    const sitePort = await freePort();
    const site = await startProcess('site', ['-e', DO_NOTHING_SERVER], {
      dir: options.dir,
      env: { PORT: String(sitePort) },
      ready: /listening/,
    });
    running.push(site);
    const stubPort = await freePort();
    const stub = await startProcess('auth-stub', ['-e', AUTH_STUB_SERVER], {
      dir: options.dir,
      env: { PORT: String(stubPort) },
      ready: /listening/,
    });
    running.push(stub);
    const viaStub = await startNginx({
      site: `127.0.0.1:${sitePort}`,
      companion: `127.0.0.1:${stubPort}`,
      bind: options.bind,
    });
    running.push(viaStub);
    const viaCompanion = await startNginx({
      site: `127.0.0.1:${sitePort}`,
      companion: options.companion,
      bind: options.bind,
    });
    running.push(viaCompanion);
    const pids = { stub: await nginxPid(viaStub), companion: await nginxPid(viaCompanion) };

    const load = (nginx: RunningNginx, rate?: number): LoadOptions => ({
      url: `${nginx.origin}/rest/api/2/myself`,
      headers: { Authorization: options.authorization },
      connections: options.connections,
      durationSeconds: options.seconds,
      ...(rate ? { rate } : {}),
    });
    // The server CPU column: everything on the server's side of the path, per request: nginx
    // (master and worker), its auth_request target and the site. On a machine of its own that is
    // CPU bound, throughput goes as its inverse; here, shared with other work, it is the steadier
    // figure of the two.
    const stubCpu = async () =>
      (await treeCpuMicros(pids.stub)) + (await stub.cpuMicros()) + (await site.cpuMicros());
    const companionCpu = async () =>
      (await treeCpuMicros(pids.companion)) +
      (await options.companionProcess.cpuMicros()) +
      (await site.cpuMicros());

    const pairOf = async (label: string, pair: number, rate?: number): Promise<PairFigures> => {
      // Alternating the order cancels a drift that always favours the first or the second run.
      const stubRun = () =>
        measure(`${label} nginx → stub, pair ${pair}`, { ...load(viaStub, rate), serverCpu: stubCpu });
      const companionRun = async () => {
        const before = await timeWaitOn(options.companion);
        const result = await measure(`${label} nginx → companion, pair ${pair}`, {
          ...load(viaCompanion, rate),
          serverCpu: companionCpu,
        });
        const after = await timeWaitOn(options.companion);
        return { result, timeWait: before === undefined || after === undefined ? undefined : after - before };
      };
      if (pair % 2 === 1) {
        const stubResult = await stubRun();
        const c = await companionRun();
        return { stub: stubResult, companion: c.result, companionTimeWait: c.timeWait };
      }
      const c = await companionRun();
      return { stub: await stubRun(), companion: c.result, companionTimeWait: c.timeWait };
    };

    const saturated: PairFigures[] = [];
    for (let pair = 1; pair <= options.pairs; pair++) {
      step(`(f) through nginx, valid token, as fast as answers come: pair ${pair} of ${options.pairs}`);
      saturated.push(await pairOf('(f)', pair));
    }
    const fixedRate: PairFigures[] = [];
    for (let pair = 1; pair <= options.pairs; pair++) {
      step(`(g) through nginx, valid token, fixed ${options.rate}/s: pair ${pair} of ${options.pairs}`);
      fixedRate.push(await pairOf('(g)', pair, options.rate));
    }

    // Refusals (a wrong token, then the throttle's block) keep nginx's upstream connection alive
    // too, or a flood of wrong tokens would also cost a TCP handshake per request.
    step(`(h) through nginx, wrong tokens at ${options.rate}/s: do refusals keep the connection?`);
    const timeWaitBefore = await timeWaitOn(options.companion);
    const refused = await measure('(h) nginx → companion, wrong tokens', {
      ...load(viaCompanion, options.rate),
      perRequest: () => ({ Authorization: basic('bob', generateToken()) }),
      serverCpu: companionCpu,
    });
    const timeWaitAfter = await timeWaitOn(options.companion);

    const throughput = saturated.map((p) => p.companion.reqPerSec / p.stub.reqPerSec);
    const cpuBound = saturated.map(
      (p) => (p.stub.serverCpuUs ?? Number.NaN) / (p.companion.serverCpuUs ?? Number.NaN),
    );
    const addedP99 = fixedRate.map((p) => p.companion.p99 - p.stub.p99);
    const addedP50 = fixedRate.map((p) => p.companion.p50 - p.stub.p50);
    const timeWait = saturated.map((p) => p.companionTimeWait ?? Number.NaN);
    return {
      results: [...[...saturated, ...fixedRate].flatMap((p) => [p.stub, p.companion]), refused],
      ratios: {
        'f companion/stub req/s through nginx (target ≥ 0.75)': round2(median(throughput)),
        'f of each pair': throughput.map(round2).join(' '),
        'f stub/companion server CPU per request (the ratio when CPU bound)': round2(median(cpuBound)),
        'f CPU ratio of each pair': cpuBound.map(round2).join(' '),
        'f new TIME-WAIT sockets on the companion port, each pair': timeWait.join(' '),
        [`g p99 added at ${options.rate}/s, ms (target ≤ 0.3)`]: round2(median(addedP99)),
        'g p99 added, each pair, ms': addedP99.map(round2).join(' '),
        'g p50 added, ms': round2(median(addedP50)),
        'h new TIME-WAIT sockets on the companion port, refusals':
          timeWaitBefore === undefined || timeWaitAfter === undefined
            ? 'n/a (Unix socket)'
            : timeWaitAfter - timeWaitBefore,
      },
      pairs: { saturated, fixedRate },
    };
  } finally {
    for (const item of running.reverse()) await ('stop' in item ? item.stop() : item.close());
  }
}
