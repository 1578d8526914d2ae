// A flood of wrong tokens, generated in a process of its own: run beside a latency measurement
// in the benchmark's process, it would share that process's event loop, and the time spent making
// thousands of requests a second would show up as the valid tokens' latency.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { generateToken } from '../shared/token.ts';
import { type CaseResult, measure } from './load.ts';

export const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

export const randomAddress = () =>
  `198.18.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

export interface FloodSpec {
  name: string;
  url: string;
  rate: number;
  connections: number;
  durationSeconds: number;
  /** A fixed client address, or a random one per request. */
  from: string | 'random';
  /** A fixed claimed user name, or a made-up one per request. */
  user: string | 'random';
}

function load(spec: FloodSpec) {
  const address = spec.from === 'random' ? randomAddress : () => spec.from;
  const user = spec.user === 'random' ? () => `guess-${randomBytes(6).toString('hex')}` : () => spec.user;
  return {
    url: spec.url,
    headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/rest/api/2/myself' },
    perRequest: () => ({ Authorization: basic(user(), generateToken()), 'X-Forwarded-For': address() }),
    connections: spec.connections,
    durationSeconds: spec.durationSeconds,
    rate: spec.rate,
  };
}

/** Runs the flood in a child process and resolves with its result. */
export function flood(spec: FloodSpec): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the flood process exited with ${code}`));
      else resolve(JSON.parse(out) as CaseResult);
    });
  });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename) {
  const spec = JSON.parse(process.argv[2] ?? '') as FloodSpec;
  process.stdout.write(JSON.stringify(await measure(spec.name, load(spec))));
}
