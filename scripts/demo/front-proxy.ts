import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The routing a real deployment gets from the reverse proxy in front of the site, in a few lines of
 * Node so that the demo and the end-to-end tests need no nginx. It follows the shipped nginx
 * configuration (deploy/nginx): the companion is mounted at `/api-token-auth/` on the site's origin,
 * every `/rest/` request and every request with credentials (an Authorization header, or Seraph's
 * login parameters in the query) is first checked with the companion's `auth_request` endpoint, and
 * in token mode the site receives what the companion's answer says instead of the token: the
 * owner's own site PAT in its Authorization (site-token mode) or the owner's name in the identity
 * header (identity-header mode), and never the client's cookies. The answer to a request with
 * credentials never carries the site's cookies. A client-supplied identity header is removed on
 * every route, X-Real-IP and X-Forwarded-For are the TCP peer's, and the companion receives only
 * normalised request targets.
 */
export interface FrontProxyOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  host?: string;
  /** Where the site really runs: origin plus context path, e.g. `http://127.0.0.1:41234/jira`. */
  siteUrl: string;
  /**
   * Origin of the companion, which serves everything under `mountPath`. It may be set later with
   * `setCompanionUrl`, because the companion must know the proxy's public URL before it starts.
   */
  companionUrl?: string;
  mountPath?: string;
  identityHeader?: string;
}

export interface RunningFrontProxy {
  origin: string;
  port: number;
  setCompanionUrl(url: string): void;
  close(): Promise<void>;
}

/**
 * The path used to choose a route, normalised the way nginx does before matching a location
 * (percent-decoded, dot segments resolved, slashes merged), so `/jira//rest/` or `/jira/%72est/`
 * cannot slip past the check.
 */
function routingPath(url: string): string {
  const { pathname } = new URL(url, 'http://front.invalid');
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    decoded = pathname;
  }
  return new URL(decoded.replace(/\/{2,}/g, '/'), 'http://front.invalid').pathname;
}

/**
 * Seraph reads `os_username` / `os_password` / `os_authType` from the query of any URL, after
 * decoding the names: such a name, or any `%` in a name, counts as credentials (as in deploy/nginx).
 */
const QUERY_CREDENTIALS = /(?:^|&)(?:os_(?:username|password|authtype)(?:[=&]|$)|[^=&]*%)/i;

/** Dot segments, `//`, encoded `/`, `.`, `\` or a raw `\` in the path: never sent to the companion. */
const UNNORMALISED_PATH = /\/\/|\/\.\.?(?:\/|$)|%2f|%2e|%5c|\\/i;

function splitTarget(url: string): { path: string; query: string } {
  const mark = url.indexOf('?');
  return mark < 0 ? { path: url, query: '' } : { path: url.slice(0, mark), query: url.slice(mark + 1) };
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade'];

/**
 * Headers of one hop only never travel on, in either direction: an upstream's `Connection:
 * keep-alive` would otherwise override a client's `Connection: close` (the client then waits for the
 * idle timeout), and its `Transfer-Encoding` would be sent to an HTTP/1.0 client as is.
 */
function withoutHopByHop<T extends IncomingHttpHeaders | OutgoingHttpHeaders>(source: T): T {
  const headers = { ...source };
  for (const name of [...HOP_BY_HOP, 'transfer-encoding']) delete headers[name];
  return headers;
}

export async function startFrontProxy(options: FrontProxyOptions): Promise<RunningFrontProxy> {
  const mountPath = options.mountPath ?? '/api-token-auth';
  const identityHeader = (options.identityHeader ?? 'X-Forwarded-User').toLowerCase();
  const site = new URL(options.siteUrl);
  let companion: URL | undefined = options.companionUrl ? new URL(options.companionUrl) : undefined;
  const restPrefix = `${site.pathname.replace(/\/$/, '')}/rest/`;
  const companionAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const siteAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  const forwardedHeaders = (req: IncomingMessage): OutgoingHttpHeaders => {
    const headers: OutgoingHttpHeaders = withoutHopByHop(req.headers);
    // Node keeps only the first of several Authorization headers in `req.headers`; nginx passes them
    // all, and the companion refuses such a request. Passing on only one would hide the ambiguity.
    const authorization = req.headersDistinct.authorization ?? [];
    if (authorization.length > 1) (headers as NodeJS.Dict<OutgoingHttpHeader>).authorization = authorization;
    delete headers[identityHeader];
    // The edge: the peer overwrites whatever the client wrote, as deploy/nginx does.
    const peer = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = peer;
    headers['x-real-ip'] = peer;
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-host'] = req.headers.host ?? '';
    return headers;
  };

  const pipeTo = (
    target: URL,
    agent: http.Agent,
    req: IncomingMessage,
    res: ServerResponse,
    headers: OutgoingHttpHeaders,
    withoutCookies = false,
  ) => {
    const upstream = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      (answer) => {
        const passOn = withoutHopByHop(answer.headers);
        // No site session for a token or a password: it would escape the companion's checks.
        if (withoutCookies) delete passOn['set-cookie'];
        res.writeHead(answer.statusCode ?? 502, passOn);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('Bad gateway\n');
    });
    req.pipe(upstream);
  };

  /** The `auth_request` subrequest: a GET without a body that carries the client's headers. */
  const checkWithCompanion = (req: IncomingMessage, headers: OutgoingHttpHeaders, companion: URL) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve) => {
      const subHeaders: OutgoingHttpHeaders = {
        ...headers,
        'x-original-method': req.method ?? 'GET',
        'x-original-uri': req.url ?? '/',
      };
      delete subHeaders['content-length'];
      delete subHeaders['transfer-encoding'];
      const sub = http.request(
        {
          hostname: companion.hostname,
          port: companion.port,
          method: 'GET',
          path: `${mountPath}/authz/auth-request`,
          headers: subHeaders,
          agent: companionAgent,
        },
        (answer) => {
          // Only the status and headers count (a refusal has no body for auth_request).
          answer.resume();
          answer.on('end', () => resolve({ status: answer.statusCode ?? 500, headers: answer.headers }));
        },
      );
      sub.on('error', () => resolve({ status: 500, headers: {} }));
      sub.end();
    });

  const handleRest = async (
    req: IncomingMessage,
    res: ServerResponse,
    headers: OutgoingHttpHeaders,
    companion: URL,
    credentialed: boolean,
  ) => {
    const verdict = await checkWithCompanion(req, headers, companion);
    if (verdict.status >= 200 && verdict.status < 300) {
      const mode = verdict.headers['x-api-token-auth-mode'];
      // Like deploy/nginx: the client's own Authorization goes on only with a password or the
      // site's own token; a token's is replaced by what the answer carries.
      if (mode !== 'password' && mode !== 'passthrough') delete headers.authorization;
      if (mode === 'token') {
        // A PAT request carrying the browser's JSESSIONID would end that session on the site.
        delete headers.cookie;
        for (const name of ['authorization', identityHeader]) {
          const value = verdict.headers[name];
          if (typeof value === 'string' && value) headers[name] = value;
        }
      }
      pipeTo(site, siteAgent, req, res, headers, credentialed);
      return;
    }
    // Like nginx: 401 and 403 reach the client, anything else is an internal error (fail closed).
    req.resume();
    if (verdict.status === 401 || verdict.status === 403) {
      // The companion answers auth_request refusals without a body (nginx shows its own page):
      // like nginx, the front proxy writes its own, naming the reason.
      const passOn: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
      for (const name of ['www-authenticate', 'x-api-token-auth-reason', 'retry-after']) {
        const value = verdict.headers[name];
        if (typeof value === 'string') passOn[name] = value;
      }
      const reason = passOn['x-api-token-auth-reason'];
      res.writeHead(verdict.status, passOn);
      res.end(
        `${verdict.status} ${verdict.status === 401 ? 'Unauthorized' : 'Forbidden'}${reason ? ` (${reason})` : ''}\n`,
      );
      return;
    }
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('500 Internal Server Error\n');
  };

  const server = http.createServer((req, res) => {
    const headers = forwardedHeaders(req);
    const path = routingPath(req.url ?? '/');
    const toCompanion = path === mountPath || path.startsWith(`${mountPath}/`);
    const target = splitTarget(req.url ?? '/');
    // Basic and query credentials are honoured by the site on any URL, not only under /rest/.
    const credentialed = req.headers.authorization !== undefined || QUERY_CREDENTIALS.test(target.query);
    const mustCheck = path.startsWith(restPrefix) || credentialed;
    // Compared case-insensitively: this must hold whatever spelling the companion's router accepts.
    const lower = path.toLowerCase();
    const metrics = `${mountPath}/metrics`.toLowerCase();
    if (
      lower.startsWith(`${mountPath}/authz/`.toLowerCase()) ||
      lower === metrics ||
      lower.startsWith(`${metrics}/`)
    ) {
      // Like the shipped nginx configuration: the validation endpoints answer the proxy only, the
      // metrics the monitoring network only.
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found\n');
    } else if (toCompanion && UNNORMALISED_PATH.test(target.path)) {
      // Matched on the normalised path, so the raw one could reach a route the match never meant.
      req.resume();
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('Bad request target\n');
    } else if (!toCompanion && !mustCheck) {
      pipeTo(site, siteAgent, req, res, headers);
    } else if (!companion) {
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('The companion is still starting\n');
    } else if (toCompanion) {
      pipeTo(companion, companionAgent, req, res, headers);
    } else {
      void handleRest(req, res, headers, companion, credentialed);
    }
  });
  // Above the idle timeout of clients such as browsers' pools, as the companion does for nginx.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    // A taken port (another demo still running, say) is a reason to stop with a sentence, not an
    // unhandled 'error' event with a stack trace.
    server.once('error', (error: NodeJS.ErrnoException) => {
      companionAgent.destroy();
      siteAgent.destroy();
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `The front proxy cannot listen: port ${options.port} is already in use (another demo still running?).`,
            )
          : error,
      );
    });
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    setCompanionUrl: (url) => {
      companion = new URL(url);
    },
    close: () =>
      new Promise<void>((resolve) => {
        companionAgent.destroy();
        siteAgent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
