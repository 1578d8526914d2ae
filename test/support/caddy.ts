import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, type SiteConfigValues } from './nginx.ts';

export const CADDY = '/usr/bin/caddy';
export const SHIPPED_CADDYFILE = path.resolve(import.meta.dirname, '../../deploy/caddy/Caddyfile');

/** The same addresses as the nginx config's; Caddy has no source-address setting (bind). */
export type CaddyValues = Omit<SiteConfigValues, 'bind'>;

function replaceAll(text: string, pattern: RegExp, replacement: string, expected: number): string {
  const found = text.match(pattern)?.length ?? 0;
  if (found !== expected) {
    throw new Error(`the shipped Caddyfile has ${found} matches of ${pattern}, not ${expected}`);
  }
  return text.replace(pattern, replacement);
}

/**
 * The shipped Caddyfile with only its CHANGE lines filled in, and global options that keep Caddy
 * to itself in a test (no admin endpoint, no certificates, plain HTTP on the given address).
 * Fails loudly when a placeholder moved.
 */
export function renderCaddyfile(shipped: string, values: CaddyValues): string {
  let conf = replaceAll(shipped, /^jira\.example\.com \{ # CHANGE$/gm, `http://${values.listen} {`, 1);
  // Several companions: one reverse_proxy with several upstreams, as nginx's upstream block.
  conf = replaceAll(conf, /127\.0\.0\.1:8787/g, [values.companion].flat().join(' '), 2);
  conf = replaceAll(conf, /127\.0\.0\.1:8080/g, values.site, 2);
  return `{\n\tadmin off\n\tauto_https off\n}\n\n${conf}`;
}

export interface RunningCaddy {
  port: number;
  origin: string;
  output(): string;
  close(): Promise<void>;
}

/** Resolves once something accepts connections on the port; fails if the process exits first. */
async function listening(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let waited = 0; waited < 15_000; waited += 50) {
    if (child.exitCode !== null) throw new Error(`caddy exited with ${child.exitCode}: ${output()}`);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await sleep(50);
  }
  throw new Error(`caddy did not listen on ${port}: ${output()}`);
}

/**
 * Runs Debian's Caddy in the foreground with the shipped Caddyfile (placeholders filled in) on a
 * port from the OS. Its data and config directories are a temporary folder.
 */
export async function startCaddy(values: Omit<CaddyValues, 'listen'>): Promise<RunningCaddy> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ata-caddy-'));
  const port = await freePort();
  const file = path.join(dir, 'Caddyfile');
  const shipped = await readFile(SHIPPED_CADDYFILE, 'utf8');
  await writeFile(file, renderCaddyfile(shipped, { ...values, listen: `127.0.0.1:${port}` }));
  let text = '';
  const child = spawn(CADDY, ['run', '--config', file, '--adapter', 'caddyfile'], {
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    text += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await listening(port, child, () => text);
  } catch (err) {
    await close();
    throw err;
  }
  return { port, origin: `http://127.0.0.1:${port}`, output: () => text, close };
}
