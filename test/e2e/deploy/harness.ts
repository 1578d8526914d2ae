import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { type RunningServer, startServer } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import type { Settings } from '../../../server/services/types.ts';
import type { CompanionOverrides } from '../../../server/wiring.ts';
import type { SiteCredentialMode } from '../../../shared/api.ts';
import { startCaddy } from '../../support/caddy.ts';
import { startNginx } from '../../support/nginx.ts';

/** A proxy running a shipped config: only the port matters to the client. */
export interface RunningProxy {
  port: number;
  close(): Promise<void>;
}

export interface ProxyUnderTest {
  name: string;
  /** The address the proxy connects to the site and the companion from: the one both trust. */
  address: string;
  start(site: string, companion: string): Promise<RunningProxy>;
  /** What a request with two Authorization headers gets (it never reaches the site). */
  duplicateAuthorization: { status: number; reason?: string };
  /** What a request with a credential gets while the companion is down (fail closed). */
  companionDownStatus: number;
  /** The status a companion refusal with 503 (site or store unavailable) reaches the client with. */
  unavailableStatus: number;
}

// The real proxies run the shipped files in deploy/ (only their addresses filled in). Clients
// connect from other loopback addresses, so the client address the proxy sees can be chosen per
// request.
export const PROXIES: ProxyUnderTest[] = [
  {
    // Debian's nginx, deploy/nginx/api-token-auth.conf; it connects from 127.0.0.3 (the config's
    // proxy_bind line, filled in).
    name: 'nginx',
    address: '127.0.0.3',
    start: (site, companion) => startNginx({ site, companion, bind: '127.0.0.3' }),
    // nginx itself refuses a duplicate Authorization line.
    duplicateAuthorization: { status: 400 },
    // auth_request turns an unreachable companion into 500.
    companionDownStatus: 500,
    // The companion answers nginx only 401 or 403 (auth_request turns anything else into 500).
    unavailableStatus: 403,
  },
  {
    // Debian's Caddy 2.6, deploy/caddy/Caddyfile; it connects from 127.0.0.1.
    name: 'Caddy',
    address: '127.0.0.1',
    start: (site, companion) => startCaddy({ site, companion }),
    // Caddy passes both on to the companion, which refuses them.
    duplicateAuthorization: { status: 401, reason: 'multiple-authorization-headers' },
    companionDownStatus: 502,
    unavailableStatus: 503,
  },
];

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface CallOptions {
  method?: string;
  /** The client's own address (a loopback address), 127.0.0.10 unless told. */
  from?: string;
  headers?: Record<string, string | string[]>;
  body?: string;
}

/** One request as written (the path is sent as is, dot segments included) on a fresh connection. */
export function call(proxy: { port: number }, pathname: string, options: CallOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: proxy.port,
        path: pathname,
        method: options.method ?? 'GET',
        localAddress: options.from ?? '127.0.0.10',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/**
 * The settings every test starts from: the proxy trusted, passwords allowed, no allowlist, and how
 * the site learns who a token's owner is (its own PAT, or an identity header it trusts from the
 * proxy: each test says which it is about).
 */
export const settingsFor = (proxyAddress: string, siteCredentialMode: SiteCredentialMode): Settings => ({
  maxValidity: 'never',
  ipAllowlist: [],
  reverseProxy: { enabled: true, trustedProxies: [proxyAddress], clientIpHeader: 'X-Forwarded-For' },
  passwordBasicAuth: true,
  auditAuthentications: false,
  forceReadOnlyScope: false,
  siteCredentialMode,
});

export interface CompanionOptions {
  /** The simulated Jira's base URL. */
  siteUrl: string;
  /** A personal access token of the site's admin (the companion's service credential). */
  serviceToken: string;
  databaseUrl: string;
  /** The same secret lets a second companion read the first one's tokens. */
  secret?: string;
}

/** A real companion for a Jira at `siteUrl`, listening on a port from the OS. */
export function startCompanion(
  options: CompanionOptions,
  overrides: CompanionOverrides = {},
): Promise<RunningServer> {
  const config = loadConfig({
    ATA_SITE_URL: options.siteUrl,
    ATA_PRODUCT: 'jira',
    ATA_DATABASE_URL: options.databaseUrl,
    ATA_SECRET: options.secret ?? randomBytes(32).toString('base64url'),
    ATA_SERVICE_AUTH: `Bearer ${options.serviceToken}`,
    ATA_BASE_PATH: '/api-token-auth',
    ATA_LISTEN: '127.0.0.1:0',
  });
  return startServer(config, { logger: createLogger({ level: 'silent' }), ...overrides });
}

/** A token of alice's, created through the companion's own service. */
export async function createToken(companion: RunningServer, scope?: 'read-only'): Promise<string> {
  const created = await companion.deps.tokens.create(
    { owner: 'alice', name: scope ?? 'read-write', validity: 'never', ...(scope ? { scope } : {}) },
    { actor: 'alice', remoteIp: null },
  );
  return created.secret;
}
