import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { watch } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
// USER_HZ: 100 on every Linux architecture Node supports.
const CLOCK_TICKS = 100;

export interface BenchProcess {
  pid: number;
  logFile: string;
  /** Resident set size in MB, from /proc. */
  rssMb(): Promise<number>;
  /** CPU time used so far (user + system) in µs, from /proc. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

/** CPU time a process has used so far (user + system) in µs, from /proc. */
export async function cpuMicrosOf(pid: number): Promise<number> {
  // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the ")" of the name.
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
}

/** CPU time of a process and its children (nginx's master and workers), in µs. */
export async function treeCpuMicros(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8'))
    .trim()
    .split(' ')
    .filter(Boolean);
  const times = await Promise.all([pid, ...children.map(Number)].map(cpuMicrosOf));
  return times.reduce((sum, t) => sum + t, 0);
}

const TAIL_BYTES = 8192;

/** The end of a log file: enough to see why a process died, never a whole run's log. */
async function tailOf(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Resolves when `file` contains a line matching `pattern`; fails if the process exits first.
 * Only the end of the file is read: the line is the latest a starting process writes, and the
 * whole log of a long run outgrows what one string can hold.
 */
async function lineInFile(file: string, pattern: RegExp, child: ChildProcess): Promise<void> {
  const watcher = watch(file);
  let onExit: ((code: number | null) => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const check = () =>
        tailOf(file).then((text) => {
          if (pattern.test(text)) resolve();
        }, reject);
      watcher.on('change', () => void check());
      onExit = (code) => {
        tailOf(file).then(
          (tail) => reject(new Error(`${file}: exited with ${code}\n${tail}`)),
          () => reject(new Error(`${file}: exited with ${code}`)),
        );
      };
      child.once('exit', onExit);
      void check();
    });
  } finally {
    watcher.close();
    // Left attached, it would fire when the benchmark stops the process at the end.
    if (onExit) child.off('exit', onExit);
  }
}

/**
 * Starts a Node process whose output goes straight to a file (the benchmark process stays a pure
 * load generator) and waits for the line that says it is listening.
 */
export async function startProcess(
  name: string,
  args: string[],
  options: { dir: string; env?: NodeJS.ProcessEnv; ready: RegExp },
): Promise<BenchProcess> {
  const logFile = path.join(options.dir, `${name}.log`);
  const log = await open(logFile, 'w');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', log.fd, log.fd],
  });
  await log.close();
  await lineInFile(logFile, options.ready, child);
  return {
    pid: child.pid as number,
    logFile,
    async rssMb() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
      return Math.round((kb / 1024) * 10) / 10;
    },
    cpuMicros: () => cpuMicrosOf(child.pid as number),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** (a): the cheapest possible HTTP answer from Node, the ceiling for anything written in Node. */
export const DO_NOTHING_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => { res.statusCode = 200; res.end('ok'); });
server.keepAliveTimeout = 65000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/**
 * A do-nothing auth_request target: it answers every check the way the companion allows a valid
 * token (200, token mode, the owner's name, an explicit empty length), so nginx in front of it does
 * the very same work and only the check itself differs. PORT, or SOCKET for a Unix socket path.
 */
export const AUTH_STUB_SERVER = `
const http = require('node:http');
const allow = ['X-Api-Token-Auth-Mode', 'token', 'X-Forwarded-User', 'alice', 'Content-Length', '0'];
const server = http.createServer((req, res) => { res.writeHead(200, allow); res.end(); });
server.keepAliveTimeout = 65000;
const where = process.env.SOCKET ? [process.env.SOCKET] : [Number(process.env.PORT), '127.0.0.1'];
server.listen(...where, () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;
