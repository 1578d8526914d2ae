import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';

describe('startServer', () => {
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimulator({ flavour: 'confluence8', contextPath: '/confluence' });
    dir = mkdtempSync(path.join(tmpdir(), 'ata-start-'));
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on an ephemeral port under the base path, keeps connections alive past nginx’s 60 s, and runs shutdown hooks on close', async () => {
    const config = loadConfig({
      ATA_SITE_URL: sim.baseUrl,
      ATA_DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`,
      ATA_LISTEN: '127.0.0.1:0',
      ATA_BASE_PATH: '/api-token-auth',
    });
    const server = await startServer(config, { logger: createLogger({ level: 'silent' }) });
    const order: string[] = [];
    server.deps.onClose(async () => {
      order.push('first registered');
    });
    server.deps.onClose(async () => {
      // Still able to write: the database closes only after every hook.
      await server.deps.checkDatabase();
      order.push('last registered');
    });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/api-token-auth`);
    expect(server.deps.product).toBe('confluence');
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('keep-alive')).toBe('timeout=65');
    await server.close();
    expect(order).toEqual(['last registered', 'first registered']);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await expect(server.deps.checkDatabase()).rejects.toThrow();
  });
});
