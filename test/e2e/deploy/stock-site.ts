import type { Simulator } from '../../atlassian-sim/index.ts';
import { call, type ProxyUnderTest, type RunningProxy } from './harness.ts';
import { type Stage, startStage } from './stage.ts';

/**
 * The default deployment, as a new administrator gets it: a stock simulated Jira, a companion in
 * site-token mode, and a real proxy running its shipped file in front of both.
 */
export type StockSiteStage = Stage;

export const startStockSiteStage = (proxyUnderTest: ProxyUnderTest): Promise<StockSiteStage> =>
  startStage(proxyUnderTest, 'site-token');

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
