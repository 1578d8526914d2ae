import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../../server/app.ts';
import type { SiteCredentialMode } from '../../../shared/api.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { type ProxyUnderTest, type RunningProxy, settingsFor, startCompanion } from './harness.ts';

/** The simulated Jira, a companion on its own SQLite file, and a real proxy in front of both. */
export interface Stage {
  sim: Simulator;
  companion: RunningServer;
  proxy: RunningProxy;
  dir: string;
  close(): Promise<void>;
}

/**
 * A stage for `siteCredentialMode`: in site-token mode a stock site (no header authenticator, so
 * X-Forwarded-User means nothing to it); in identity-header mode a site with a header
 * authenticator that accepts X-Forwarded-User only from the proxy's address. The companion starts
 * from settingsFor the proxy and that mode.
 */
export async function startStage(
  proxyUnderTest: ProxyUnderTest,
  siteCredentialMode: SiteCredentialMode,
): Promise<Stage> {
  const dir = await mkdtemp(path.join(tmpdir(), `ata-${siteCredentialMode}-e2e-`));
  const closers: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const closeOne of closers.splice(0).reverse()) await closeOne();
  };
  try {
    const sim = await startSimulator(
      siteCredentialMode === 'identity-header'
        ? { flavour: 'jira9', trustedProxies: [proxyUnderTest.address] }
        : { flavour: 'jira9' },
    );
    closers.push(() => sim.close());
    const companion = await startCompanion({
      siteUrl: sim.baseUrl,
      serviceToken: sim.state.createPersonalAccessToken('admin'),
      databaseUrl: `sqlite://${path.join(dir, 'companion.sqlite')}`,
    });
    closers.push(() => companion.close());
    await companion.deps.settings.update(settingsFor(proxyUnderTest.address, siteCredentialMode), {
      actor: 'admin',
      remoteIp: null,
    });
    const proxy = await proxyUnderTest.start(`127.0.0.1:${sim.port}`, `127.0.0.1:${companion.port}`);
    closers.push(() => proxy.close());
    return { sim, companion, proxy, dir, close };
  } catch (err) {
    await close();
    throw err;
  }
}
