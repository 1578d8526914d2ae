import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { generateToken } from '../../../shared/token.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { basic, call, createToken, settingsFor } from '../../e2e/deploy/harness.ts';
import { type RunningNginx, startNginx } from '../../support/nginx.ts';

// ATA_LISTEN=unix:/path: the companion behind Debian's nginx (the shipped config, its upstream a
// Unix socket), the socket's life cycle, and where the client address comes from.
const companionOn = (socket: string, sim: Simulator, dataDir: string) =>
  startServer(
    loadConfig({
      ATA_SITE_URL: sim.baseUrl,
      ATA_PRODUCT: 'jira',
      ATA_DATABASE_URL: `sqlite://${path.join(dataDir, 'companion.sqlite')}`,
      ATA_SECRET: 'a'.repeat(43),
      ATA_SERVICE_AUTH: `Bearer ${sim.state.createPersonalAccessToken('admin')}`,
      ATA_BASE_PATH: '/api-token-auth',
      ATA_LISTEN: `unix:${socket}`,
    }),
    { logger: createLogger({ level: 'silent' }) },
  );

const healthz = (socket: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/api-token-auth/healthz' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });

describe('the companion on a Unix socket', () => {
  let dir: string;
  let socket: string;
  let sim: Simulator;
  let companion: RunningServer;
  let nginx: RunningNginx;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ata-unix-'));
    socket = path.join(dir, 'companion.sock');
    // Without proxy_bind: nginx cannot bind a TCP source address to a Unix socket connection.
    sim = await startSimulator({ flavour: 'jira9', trustedProxies: ['127.0.0.1'] });
    companion = await companionOn(socket, sim, dir);
    // A Unix socket peer counts as 127.0.0.1, so that is the proxy to trust.
    await companion.deps.settings.update(settingsFor('127.0.0.1', 'identity-header'), {
      actor: 'admin',
      remoteIp: null,
    });
    token = await createToken(companion);
    nginx = await startNginx({ site: `127.0.0.1:${sim.port}`, companion: `unix:${socket}` });
  });
  afterAll(async () => {
    await nginx?.close();
    await companion?.close();
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves nginx: a valid token reaches the site as its owner, a wrong one is refused', async () => {
    expect(companion.url).toBe(`http://unix:${socket}:/api-token-auth`);
    const allowed = await call(nginx, '/rest/api/2/myself', {
      headers: { Authorization: basic('alice', token) },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['x-ausername']).toBe('alice');
    const refused = await call(nginx, '/rest/api/2/myself', {
      headers: { Authorization: basic('alice', generateToken()) },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers['x-api-token-auth-reason']).toBe('invalid-token');
  });

  it('takes the client address from nginx, which it trusts as a local peer', async () => {
    await companion.deps.settings.update(
      { ...settingsFor('127.0.0.1', 'identity-header'), ipAllowlist: ['127.0.0.10/32'] },
      { actor: 'admin', remoteIp: null },
    );
    try {
      const inside = await call(nginx, '/rest/api/2/myself', {
        from: '127.0.0.10',
        headers: { Authorization: basic('alice', token) },
      });
      expect(inside.status).toBe(200);
      const outside = await call(nginx, '/rest/api/2/myself', {
        from: '127.0.0.11',
        headers: { Authorization: basic('alice', token) },
      });
      expect(outside.status).toBe(403);
      expect(outside.headers['x-api-token-auth-reason']).toBe('ip-not-allowed');
    } finally {
      await companion.deps.settings.update(settingsFor('127.0.0.1', 'identity-header'), {
        actor: 'admin',
        remoteIp: null,
      });
    }
  });

  it('replaces a socket file a killed companion left, and refuses one that a process listens on', async () => {
    const stale = path.join(dir, 'stale.sock');
    const holder = spawn(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`,
    ]);
    await once(holder.stdout, 'data');
    await expect(companionOnSecond(stale)).rejects.toThrow(
      `ATA_LISTEN: ${stale} is in use by a running process`,
    );
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    expect(existsSync(stale), 'kill -9 leaves the file').toBe(true);
    const second = await companionOnSecond(stale);
    try {
      expect(await healthz(stale)).toBe(200);
    } finally {
      await second.close();
    }
    expect(existsSync(stale), 'a clean stop removes it').toBe(false);
  });

  // A second companion with a database of its own, so the first one keeps serving nginx.
  async function companionOnSecond(at: string): Promise<RunningServer> {
    return companionOn(at, sim, await mkdtemp(path.join(dir, 'second-')));
  }
});
