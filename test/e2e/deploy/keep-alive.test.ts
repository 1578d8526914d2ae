import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/app.ts';
import { generateToken } from '../../../shared/token.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import {
  basic,
  call,
  createToken,
  PROXIES,
  type RunningProxy,
  settingsFor,
  startCompanion,
} from './harness.ts';
import { delayingRelay } from './two-companions.ts';

// The shipped proxy configs keep their connections to the companion alive. nginx drops one after
// an answer it cannot reuse the connection for: a chunked empty body, or any body on an
// auth_request answer. Measured before both were fixed: a TCP connection per check.
const REQUESTS = 60;

describe.each(PROXIES)('$name reuses its connections to the companion', (proxy) => {
  const PROXY = proxy.address;
  let sim: Simulator;
  let companion: RunningServer;
  let relay: Awaited<ReturnType<typeof delayingRelay>>;
  let front: RunningProxy;
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
    // A relay between the proxy and the companion counts the connections the proxy opens; the
    // companion sees the relay's address (127.0.0.1) as the peer, so it is trusted as well.
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
    front = await proxy.start(`127.0.0.1:${sim.port}`, `127.0.0.1:${relay.port}`);
  });
  afterAll(async () => {
    await front?.close();
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
      const reply = await call(front, '/rest/api/2/myself', { headers: { Authorization: authorization() } });
      expect([status, 403, 429]).toContain(reply.status);
    }
    expect(relay.accepted - before, `new connections for ${REQUESTS} checks`).toBeLessThanOrEqual(1);
  });
});
