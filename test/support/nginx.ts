import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const NGINX = '/usr/sbin/nginx';
export const SHIPPED_NGINX_CONF = path.resolve(import.meta.dirname, '../../deploy/nginx/api-token-auth.conf');

export interface SiteConfigValues {
  /** host:port of the Jira / Confluence upstream. */
  site: string;
  /** host:port of the companion; several make an upstream that nginx balances and fails over. */
  companion: string | string[];
  listen: string;
  /** Source address for connections to the site and the companion (enables the shipped proxy_bind line). */
  bind?: string;
}

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`the shipped nginx config no longer contains ${pattern}`);
  return text.replace(pattern, replacement);
}

/**
 * The shipped config with only its placeholders filled in, so tests and the benchmark exercise
 * the file users copy, not a look-alike. Fails loudly when a placeholder moved.
 */
export function renderSiteConfig(shipped: string, values: SiteConfigValues): string {
  let conf = replaceOnce(shipped, /(upstream atlassian_site \{\s*server )[^;]+;/, `$1${values.site};`);
  const companions = [values.companion].flat().join(';\n    server ');
  conf = replaceOnce(conf, /(upstream api_token_auth \{\s*server )[^;]+;/, `$1${companions};`);
  conf = replaceOnce(conf, /(\n\s*listen )80;/, `$1${values.listen};`);
  if (values.bind) conf = replaceOnce(conf, /# proxy_bind 192\.0\.2\.10;/, `proxy_bind ${values.bind};`);
  return conf;
}

/** A port the OS has just handed out (nginx cannot listen on port 0 and report it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface RunningNginx {
  port: number;
  origin: string;
  dir: string;
  stderr(): string;
  close(): Promise<void>;
}

function mainConfig(dir: string, siteConf: string, workers: number): string {
  const temp = (name: string) => path.join(dir, name);
  return `
worker_processes ${workers};
pid ${temp('nginx.pid')};
error_log stderr warn;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  include ${siteConf};
}
`;
}

/**
 * Starts nginx and resolves once it has written its pid file, which it does after binding its
 * sockets. The directory is watched before the process starts, so the event cannot be missed.
 */
async function spawnStarted(
  args: string[],
  dir: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  const watcher = watch(dir);
  const pidWritten = new Promise<void>((resolve) => {
    watcher.on('change', (_event, name) => {
      if (name === 'nginx.pid') resolve();
    });
  });
  let output = '';
  const child = spawn(NGINX, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`nginx exited with ${code}: ${output}`);
  });
  try {
    await Promise.race([pidWritten, exited]);
  } finally {
    watcher.close();
    exited.catch(() => {});
  }
  return { child, output: () => output };
}

/**
 * Runs Debian's nginx in the foreground with the shipped config (placeholders filled in) on a
 * port from the OS. `site` and `companion` are host:port.
 */
export async function startNginx(
  values: Omit<SiteConfigValues, 'listen'>,
  options: { workers?: number } = {},
): Promise<RunningNginx> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ata-nginx-'));
  await mkdir(path.join(dir, 'logs'));
  const shipped = await readFile(SHIPPED_NGINX_CONF, 'utf8');
  // Another process may take the port between our probe and nginx's bind: try again then.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const siteConf = path.join(dir, 'api-token-auth.conf');
    await writeFile(siteConf, renderSiteConfig(shipped, { ...values, listen: `127.0.0.1:${port}` }));
    const confPath = path.join(dir, 'nginx.conf');
    await writeFile(confPath, mainConfig(dir, siteConf, options.workers ?? 1));
    let started: Awaited<ReturnType<typeof spawnStarted>>;
    try {
      started = await spawnStarted(['-p', dir, '-e', 'stderr', '-c', confPath, '-g', 'daemon off;'], dir);
    } catch (err) {
      if (attempt < 3 && String(err).includes('Address already in use')) continue;
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    const { child, output } = started;
    return {
      port,
      origin: `http://127.0.0.1:${port}`,
      dir,
      stderr: output,
      async close() {
        if (child.exitCode === null) {
          const exited = once(child, 'exit');
          child.kill('SIGQUIT');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
