import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../../server/app.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { call, type ProxyUnderTest, type RunningProxy, settingsFor, startCompanion } from './harness.ts';

/**
 * The default deployment, as a new administrator gets it: a stock simulated Jira (no header
 * authenticator, so X-Forwarded-User means nothing to it), a companion in site-token mode, and a
 * real proxy running its shipped file in front of both.
 */
export interface StockSiteStage {
  sim: Simulator;
  companion: RunningServer;
  proxy: RunningProxy;
  dir: string;
  close(): Promise<void>;
}

export async function startStockSiteStage(proxyUnderTest: ProxyUnderTest): Promise<StockSiteStage> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ata-stock-site-'));
  const closers: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const closeOne of closers.splice(0).reverse()) await closeOne();
  };
  try {
    const sim = await startSimulator({ flavour: 'jira9' });
    closers.push(() => sim.close());
    const companion = await startCompanion({
      siteUrl: sim.baseUrl,
      serviceToken: sim.state.createPersonalAccessToken('admin'),
      databaseUrl: `sqlite://${path.join(dir, 'companion.sqlite')}`,
    });
    closers.push(() => companion.close());
    await companion.deps.settings.update(settingsFor(proxyUnderTest.address, 'site-token'), {
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

/** Logs in with the site's form through the proxy, as a browser does; the `JSESSIONID=…` pair. */
export async function siteSession(proxy: RunningProxy, user: string): Promise<string> {
  const reply = await call(proxy, '/login.jsp', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ os_username: user, os_password: user }).toString(),
  });
  const cookie = [reply.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('JSESSIONID='));
  if (!cookie) throw new Error(`login of ${user}: HTTP ${reply.status}, no session cookie`);
  return cookie.split(';')[0] as string;
}

/**
 * Creates a token with the owner's site session through the proxy, the extension's path (which
 * also provisions the owner's site PAT); the token's secret.
 */
export async function createTokenWithSession(proxy: RunningProxy, cookie: string, name: string) {
  const reply = await call(proxy, '/api-token-auth/api/v1/tokens', {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, validity: 'P1M' }),
  });
  if (reply.status !== 201) throw new Error(`token creation: HTTP ${reply.status} ${reply.body}`);
  return (JSON.parse(reply.body) as { secret: string; token: { siteCredential?: string } }).secret;
}

/** The site PATs the companion manages for a user, as the user's profile page lists them. */
export const managedPats = (sim: Simulator, user: string) =>
  sim.state.personalAccessTokens(user).filter((pat) => pat.name === 'api-token-auth');
