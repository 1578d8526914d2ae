import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/app.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { call, PROXIES, type RunningProxy, startCompanion } from '../../e2e/deploy/harness.ts';

// The metrics are for the monitoring network: the shipped proxy files (run here for real, as in
// test/e2e/deploy) answer 404 for them in every spelling, while the companion serves them.

const SPELLINGS = [
  '/api-token-auth/metrics',
  '/api-token-auth/metrics?format=text',
  '/api-token-auth/metrics/',
  '/api-token-auth/METRICS',
  '/api-token-auth/Metrics',
];

describe.each(PROXIES)('the shipped $name config and the metrics', (proxyUnderTest) => {
  let sim: Simulator;
  let companion: RunningServer;
  let proxy: RunningProxy;
  let dataDir: string;

  beforeAll(async () => {
    sim = await startSimulator({ flavour: 'jira9', trustedProxies: [proxyUnderTest.address] });
    dataDir = await mkdtemp(path.join(tmpdir(), 'ata-metrics-proxy-'));
    companion = await startCompanion({
      siteUrl: sim.baseUrl,
      serviceToken: sim.state.createPersonalAccessToken('admin'),
      databaseUrl: `sqlite://${path.join(dataDir, 'companion.sqlite')}`,
    });
    proxy = await proxyUnderTest.start(`127.0.0.1:${sim.port}`, `127.0.0.1:${companion.port}`);
  });
  afterAll(async () => {
    await proxy?.close();
    await companion?.close();
    await sim?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers a client 404 for the metrics, however spelt, and never passes them on', async () => {
    const direct = await fetch(`${companion.url}/metrics`);
    expect(direct.status).toBe(200);
    expect(await direct.text()).toContain('api_token_auth_decisions_total');
    for (const target of SPELLINGS) {
      const reply = await call(proxy, target);
      expect(reply.status, target).toBe(404);
      expect(reply.body, target).not.toContain('api_token_auth_');
    }
    // The rest of the companion stays reachable through the proxy.
    expect((await call(proxy, '/api-token-auth/healthz')).status).toBe(200);
  });
});
