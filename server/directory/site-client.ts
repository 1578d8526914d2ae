import { AppError } from '../errors.ts';

// The only HTTP client of the server, and it only ever calls ATA_SITE_URL: callers pass a path
// under /rest/, never a URL, so user input cannot redirect a request elsewhere.

/** Why a call to the site failed, as the metrics count it. */
export const SITE_FAILURES = ['timeout', 'unreachable', 'server-error', 'unreadable', 'refused'] as const;
export type SiteFailure = (typeof SITE_FAILURES)[number];

/** The 503 every failed site call is: its message is for the operator, its `failure` for counting. */
export class SiteUnavailableError extends AppError {
  constructor(
    message: string,
    readonly failure: SiteFailure,
  ) {
    super(503, 'site_unavailable', message);
  }
}

export interface SiteResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface SiteClient {
  readonly siteUrl: string;
  get(path: string, headers?: Record<string, string>): Promise<SiteResponse>;
  /** A POST with a JSON body, or a DELETE (the site's PAT REST). */
  send(
    method: 'POST' | 'DELETE',
    path: string,
    headers: Record<string, string>,
    json?: unknown,
  ): Promise<SiteResponse>;
}

export interface SiteClientOptions {
  siteUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function createSiteClient(options: SiteClientOptions): SiteClient {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const base = options.siteUrl.replace(/\/+$/, '');
  const call = async (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    headers: Record<string, string>,
    json?: unknown,
  ): Promise<SiteResponse> => {
    if (!path.startsWith('/rest/')) throw new Error(`site path must start with /rest/: ${path}`);
    let response: Response;
    try {
      response = await doFetch(base + path, {
        method,
        headers: {
          Accept: 'application/json',
          ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
        // A redirect would mean a login page or another host: treat it as an answer, never follow it.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const reason =
        (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'connection failed';
      throw new SiteUnavailableError(
        `The site at ${base} cannot be reached (${reason}); try again later.`,
        (err as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable',
      );
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      throw new SiteUnavailableError(
        `The site at ${base} answered ${response.status}; try again later.`,
        'server-error',
      );
    }
    const text = await response.text();
    let body: unknown = null;
    if (text && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new SiteUnavailableError(
          `The site at ${base} sent an unreadable answer to ${path.split('?')[0]}.`,
          'unreadable',
        );
      }
    }
    return { status: response.status, headers: response.headers, body };
  };
  return {
    siteUrl: base,
    get: (path, headers = {}) => call('GET', path, headers),
    send: (method, path, headers, json) => call(method, path, headers, json),
  };
}

// The service credential was refused or lacks rights: an operator problem, reported as such.
// When ATA_SITE_URL is the public URL, the refusal may come from our own validation plane in the
// proxy (it says why in X-Api-Token-Auth-Reason): then the credential is fine and the reason is
// what the operator must act on, usually a global IP allowlist without the companion's address.
function serviceCredentialRefused(status: number, proxyReason: string | null): SiteUnavailableError {
  const message = proxyReason
    ? `The reverse proxy refused the companion's requests to the site (${proxyReason}). If an IP allowlist is set, add the companion's own address to it, or point ATA_SITE_URL at the site without the proxy.`
    : `The site refused the service credential (HTTP ${status}); check ATA_SERVICE_AUTH.`;
  return new SiteUnavailableError(message, 'refused');
}

export const q = encodeURIComponent;

// GET with the service credential (ATA_SERVICE_AUTH); a refusal is the operator's problem: 503.
export function serviceGet(site: SiteClient, serviceAuth: string | undefined) {
  const headers: Record<string, string> = serviceAuth ? { Authorization: serviceAuth } : {};
  return async (path: string): Promise<SiteResponse> => {
    const res = await site.get(path, headers);
    if (res.status === 401 || res.status === 403)
      throw serviceCredentialRefused(res.status, res.headers.get('x-api-token-auth-reason'));
    return res;
  };
}
