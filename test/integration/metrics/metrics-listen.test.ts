import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { parseScrape } from './scrape.ts';

const BASE = '/api-token-auth';

describe('ATA_METRICS_LISTEN', () => {
  let sim: Simulator;
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    sim = await startSimulator({ flavour: 'jira9' });
    dir = mkdtempSync(path.join(tmpdir(), 'ata-metrics-'));
    const config = loadConfig({
      ATA_SITE_URL: sim.baseUrl,
      ATA_DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`,
      ATA_SECRET: randomBytes(32).toString('base64url'),
      ATA_LISTEN: '127.0.0.1:0',
      ATA_METRICS_LISTEN: '127.0.0.1:0',
      ATA_BASE_PATH: BASE,
    });
    server = await startServer(config, { logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves <base>/metrics on its own listener, and the main port answers 404 for it', async () => {
    const metricsUrl = server.metricsUrl as string;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api-token-auth\/metrics$/);
    expect(new URL(metricsUrl).port).not.toBe(String(server.port));
    // A decision on the main port shows on the metrics port.
    const decided = await fetch(`${server.url}/authz/auth-request`, {
      headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/rest/api/2/myself' },
    });
    expect(decided.status).toBe(200);
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const scraped = parseScrape(await res.text());
    expect(scraped.value('api_token_auth_decisions_total', { mode: 'session', outcome: 'allow' })).toBe(1);

    const main = await fetch(`${server.url}/metrics`);
    expect(main.status).toBe(404);
    expect(await main.text()).not.toContain('api_token_auth_');
  });

  it('answers nothing but <base>/metrics on the metrics listener', async () => {
    const origin = new URL(server.metricsUrl as string).origin;
    for (const other of [`${BASE}/readyz`, `${BASE}/authz/auth-request`, '/metrics', `${BASE}/api/v1/me`]) {
      const res = await fetch(origin + other);
      expect(res.status, other).toBe(404);
      await res.body?.cancel();
    }
  });

  it('closes the metrics listener with the companion', async () => {
    const metricsUrl = server.metricsUrl as string;
    await server.close();
    await expect(fetch(metricsUrl)).rejects.toThrow();
  });
});
