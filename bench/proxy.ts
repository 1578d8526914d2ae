// (f)–(h): the whole path through Debian's nginx with the shipped config (auth_request, keep-alive
// upstream), with the companion as the auth_request target against a do-nothing auth stub, in
// the same run, in front of the same site, over TCP and over a Unix socket (ATA_LISTEN=unix:).
// The site is a do-nothing Node server rather than the simulator: a slow site would hide what the
// check costs (the simulator's Koa stack answers fewer requests a second than the check does),
// and Jira's own time is not the companion's.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateToken } from '../shared/token.ts';
import { freePort, type RunningNginx, startNginx } from '../test/support/nginx.ts';
import type { GroupReport } from './context.ts';
import { basic } from './flood.ts';
import { type CaseResult, measure } from './load.ts';
import {
  AUTH_STUB_SERVER,
  type BenchProcess,
  DO_NOTHING_SERVER,
  startProcess,
  treeCpuMicros,
} from './processes.ts';

const run = promisify(execFile);

/** A companion nginx can reach, with a valid token of alice's. */
export interface ReachableCompanion {
  /** host:port, or unix:/path. */
  address: string;
  process: BenchProcess;
  /** A valid token's Authorization header. */
  authorization: string;
}

export interface ProxyBenchOptions {
  dir: string;
  /** The companion on TCP. */
  tcp: ReachableCompanion;
  /** Starts a companion on the Unix socket at `socket`. */
  startOnSocket(socket: string): Promise<ReachableCompanion>;
  /** The address nginx connects from over TCP (the site's and the companion's trusted proxy). */
  bind: string;
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
  pairs: Record<string, PairFigures[]>;
}

/** One way through nginx: which nginx, what it costs the server side, whose token. */
interface Route {
  name: string;
  nginx: RunningNginx;
  authorization: string;
  /** CPU so far of nginx, the auth_request target and the site, in µs. */
  cpu(): Promise<number>;
  /** The target's TCP address, for TIME-WAIT counts. */
  address: string;
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
  const start = async (name: string, code: string, env: Record<string, string>) => {
    const started = await startProcess(name, ['-e', code], { dir: options.dir, env, ready: /listening/ });
    running.push(started);
    return started;
  };
  try {
    step(
      '(f, g) a do-nothing site and auth stub, a companion on a Unix socket, and four nginx (shipped config)',
    );
    const sitePort = await freePort();
    const site = await start('site', DO_NOTHING_SERVER, { PORT: String(sitePort) });
    const stubPort = await freePort();
    const stubTcp = await start('auth-stub-tcp', AUTH_STUB_SERVER, { PORT: String(stubPort) });
    const stubSocket = path.join(options.dir, 'auth-stub.sock');
    const stubUnix = await start('auth-stub-unix', AUTH_STUB_SERVER, { SOCKET: stubSocket });
    const unix = await options.startOnSocket(path.join(options.dir, 'companion.sock'));

    // nginx cannot bind a TCP source address (proxy_bind) to a Unix socket connection.
    const route = async (
      name: string,
      address: string,
      target: BenchProcess,
      authorization: string,
    ): Promise<Route> => {
      const onSocket = address.startsWith('unix:');
      const nginx = await startNginx({
        site: `127.0.0.1:${sitePort}`,
        companion: address,
        ...(onSocket ? {} : { bind: options.bind }),
      });
      running.push(nginx);
      const pid = await nginxPid(nginx);
      // Everything on the server's side of the path, per request: nginx (master and worker), its
      // auth_request target and the site. On a machine of its own that is CPU bound, throughput
      // goes as its inverse; here, shared with other work, it is the steadier figure.
      const cpu = async () =>
        (await treeCpuMicros(pid)) + (await target.cpuMicros()) + (await site.cpuMicros());
      return { name, nginx, authorization, cpu, address };
    };
    const valid = options.tcp.authorization;
    const routes = {
      tcp: {
        stub: await route('stub', `127.0.0.1:${stubPort}`, stubTcp, valid),
        companion: await route('companion', options.tcp.address, options.tcp.process, valid),
      },
      unix: {
        stub: await route('stub', `unix:${stubSocket}`, stubUnix, valid),
        companion: await route('companion', unix.address, unix.process, unix.authorization),
      },
    };

    const runOn = async (label: string, r: Route, rate?: number) => {
      const before = await timeWaitOn(r.address);
      const result = await measure(`${label} nginx → ${r.name}`, {
        url: `${r.nginx.origin}/rest/api/2/myself`,
        headers: { Authorization: r.authorization },
        connections: options.connections,
        durationSeconds: options.seconds,
        ...(rate ? { rate } : {}),
        serverCpu: r.cpu,
      });
      const after = await timeWaitOn(r.address);
      return { result, timeWait: before === undefined || after === undefined ? undefined : after - before };
    };
    const pairOf = async (label: string, pair: number, stub: Route, companion: Route, rate?: number) => {
      const name = `${label}, pair ${pair}`;
      // Alternating the order cancels a drift that always favours the first or the second run.
      if (pair % 2 === 1) {
        const s = await runOn(name, stub, rate);
        const c = await runOn(name, companion, rate);
        return { stub: s.result, companion: c.result, companionTimeWait: c.timeWait };
      }
      const c = await runOn(name, companion, rate);
      const s = await runOn(name, stub, rate);
      return { stub: s.result, companion: c.result, companionTimeWait: c.timeWait };
    };

    const pairs: Record<string, PairFigures[]> = {};
    for (const [label, rate] of [
      ['f', undefined],
      ['g', options.rate],
    ] as const) {
      for (const transport of ['tcp', 'unix'] as const) {
        const key = `${label} ${transport}`;
        pairs[key] = [];
        for (let pair = 1; pair <= options.pairs; pair++) {
          const how = rate ? `fixed ${rate}/s` : 'as fast as answers come';
          step(
            `(${label}) through nginx over ${transport}, valid token, ${how}: pair ${pair} of ${options.pairs}`,
          );
          const { stub, companion } = routes[transport];
          pairs[key].push(await pairOf(`(${label}) ${transport}`, pair, stub, companion, rate));
        }
      }
    }

    // Refusals (a wrong token, then the throttle's block) keep nginx's upstream connection alive
    // too, or a flood of wrong tokens would also cost a TCP handshake per request.
    step(`(h) through nginx, wrong tokens at ${options.rate}/s: do refusals keep the connection?`);
    const companionTcp = routes.tcp.companion;
    const timeWaitBefore = await timeWaitOn(companionTcp.address);
    const refused = await measure('(h) tcp nginx → companion, wrong tokens', {
      url: `${companionTcp.nginx.origin}/rest/api/2/myself`,
      perRequest: () => ({ Authorization: basic('bob', generateToken()) }),
      connections: options.connections,
      durationSeconds: options.seconds,
      rate: options.rate,
      serverCpu: companionTcp.cpu,
    });
    const timeWaitAfter = await timeWaitOn(companionTcp.address);

    const ratios: Record<string, number | string> = {};
    const each = (values: number[]) => values.map(round2).join(' ');
    for (const transport of ['tcp', 'unix'] as const) {
      const f = pairs[`f ${transport}`] ?? [];
      const g = pairs[`g ${transport}`] ?? [];
      const throughput = f.map((p) => p.companion.reqPerSec / p.stub.reqPerSec);
      const cpuBound = f.map(
        (p) => (p.stub.serverCpuUs ?? Number.NaN) / (p.companion.serverCpuUs ?? Number.NaN),
      );
      const addedP99 = g.map((p) => p.companion.p99 - p.stub.p99);
      const addedP50 = g.map((p) => p.companion.p50 - p.stub.p50);
      ratios[`f ${transport}: companion/stub req/s (target ≥ 0.75)`] = round2(median(throughput));
      ratios[`f ${transport}: each pair`] = each(throughput);
      ratios[`f ${transport}: stub/companion server CPU per request (the ratio when CPU bound)`] = round2(
        median(cpuBound),
      );
      ratios[`f ${transport}: CPU ratio of each pair`] = each(cpuBound);
      ratios[`g ${transport}: p99 added at ${options.rate}/s, ms (target ≤ 0.3)`] = round2(median(addedP99));
      ratios[`g ${transport}: p99 added, each pair, ms`] = each(addedP99);
      ratios[`g ${transport}: p50 added, ms`] = round2(median(addedP50));
    }
    const companionCpu = (transport: 'tcp' | 'unix') =>
      median((pairs[`f ${transport}`] ?? []).map((p) => p.companion.serverCpuUs ?? Number.NaN));
    ratios['f server CPU per request through the companion, tcp / unix, µs'] =
      `${round2(companionCpu('tcp'))} / ${round2(companionCpu('unix'))}`;
    ratios['f new TIME-WAIT sockets on the companion port, each tcp pair'] = (pairs['f tcp'] ?? [])
      .map((p) => p.companionTimeWait ?? Number.NaN)
      .join(' ');
    ratios['h new TIME-WAIT sockets on the companion port, refusals'] =
      timeWaitBefore === undefined || timeWaitAfter === undefined
        ? Number.NaN
        : timeWaitAfter - timeWaitBefore;
    return {
      results: [
        ...Object.values(pairs).flatMap((list) => list.flatMap((p) => [p.stub, p.companion])),
        refused,
      ],
      ratios,
      pairs,
    };
  } finally {
    for (const item of running.reverse()) await ('stop' in item ? item.stop() : item.close());
  }
}
