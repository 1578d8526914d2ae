import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/app.ts';
import { generateToken } from '../../../shared/token.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { type RunningNginx, startNginx } from '../../support/nginx.ts';
import { basic, call, createToken, settingsFor, startCompanion } from './harness.ts';
import { delayingRelay } from './two-companions.ts';

// The shipped nginx config keeps its connections to the companion alive (keepalive 32). nginx
// drops one after an answer it cannot reuse the connection for: a chunked empty body, or any body
// on an auth_request answer. Measured before both were fixed: a TCP connection per check.
const PROXY = '127.0.0.3';
const REQUESTS = 60;

describe('nginx reuses its connections to the companion', () => {
  let sim: Simulator;
  let companion: RunningServer;
  let relay: Awaited<ReturnType<typeof delayingRelay>>;
  let nginx: RunningNginx;
  let dataDir: string;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({ flavour: 'jira9', trustedProxies: [PROXY] });
    dataDir = await mkdtemp(path.join(tmpdir(), 'ata-keep-alive-'));
    companion = await startCompanion({
      siteUrl: sim.baseUrl,
      serviceToken: sim.state.createPersonalAccessToken('admin'),
      databaseUrl: `sqlite://${path.join(dataDir, 'companion.sqlite')}`,
    });
    // The relay between nginx and the companion counts the TCP connections nginx opens.
    await companion.deps.settings.update(
      {
        ...settingsFor(PROXY, 'identity-header'),
        reverseProxy: {
          ...settingsFor(PROXY, 'identity-header').reverseProxy,
          trustedProxies: [PROXY, '127.0.0.1'],
        },
      },
      { actor: 'admin', remoteIp: null },
    );
    token = await createToken(companion);
    relay = await delayingRelay(companion.port);
    nginx = await startNginx({
      site: `127.0.0.1:${sim.port}`,
      companion: `127.0.0.1:${relay.port}`,
      bind: PROXY,
    });
  });
  afterAll(async () => {
    await nginx?.close();
    await relay?.close();
    await companion?.close();
    await sim?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['allowed', () => basic('alice', token), 200],
    ['refused', () => basic('bob', generateToken()), 401],
  ] as const)('after %s checks', async (_kind, authorization, status) => {
    const before = relay.accepted;
    for (let i = 0; i < REQUESTS; i++) {
      // One at a time: a kept connection is free again for the next check.
      const reply = await call(nginx, '/rest/api/2/myself', { headers: { Authorization: authorization() } });
      expect([status, 403]).toContain(reply.status);
    }
    expect(relay.accepted - before, `new connections for ${REQUESTS} checks`).toBeLessThanOrEqual(1);
  });
});
