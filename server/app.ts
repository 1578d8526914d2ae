import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { Logger } from 'pino';
import { type AuthzEndpoints, authzEndpoints } from './authz/endpoints.ts';
import { SECURITY_HEADERS } from './authz/http.ts';
import { isPlainPath } from './authz/paths.ts';
import type { Config } from './config.ts';
import type { CompanionDeps } from './deps.ts';
import { errorHandler } from './errors.ts';
import { listen, listenOnSocket } from './listen-socket.ts';
import { type MetricsEndpoint, metricsEndpoint, metricsOnly } from './metrics/endpoint.ts';
import { identify } from './middleware/identify.ts';
import { BODY_LIMIT, jsonBody } from './middleware/json-body.ts';
import { originCheck } from './middleware/origin-check.ts';
import { requestContext } from './middleware/request-context.ts';
import { routers } from './routes/index.ts';
import { type CompanionOverrides, wireCompanion } from './wiring.ts';

function securityHeaders() {
  return async function securityHeadersMiddleware(ctx: Koa.Context, next: Koa.Next) {
    await next();
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
  };
}

/**
 * Koa, with the validation plane's proxy endpoints answered in front of it. Those run on every
 * REST request of the site; through Koa and its middleware (request id, child logger, access
 * line, error handler, headers) they reached about a quarter of what Node's `http` can answer,
 * so they are a plain handler (server/authz/endpoints.ts) tried before Koa's. Overriding
 * callback() puts it wherever Koa is mounted: startServer, app.listen() and supertest alike.
 */
export class CompanionApp extends Koa {
  constructor(
    readonly authzEndpoints: AuthzEndpoints,
    // <base>/metrics, unless ATA_METRICS_LISTEN serves it elsewhere (then Koa answers 404).
    readonly metricsEndpoint?: MetricsEndpoint,
  ) {
    super();
  }

  override callback(): ReturnType<Koa['callback']> {
    const koa = super.callback();
    const authz = this.authzEndpoints;
    const metrics = this.metricsEndpoint;
    const answered = Promise.resolve();
    // Koa's listener type admits HTTP/2 objects too; the companion serves HTTP/1.1 only.
    return (req, res) => {
      if (!isPlainPath(req.url ?? '')) {
        refuseTarget(res as ServerResponse);
        return answered;
      }
      if (authz(req as IncomingMessage, res as ServerResponse)) return answered;
      return metrics?.(req as IncomingMessage, res as ServerResponse) ? answered : koa(req, res);
    };
  }
}

const UNPLAIN_TARGET = JSON.stringify({
  error: {
    code: 'bad_request',
    message: 'The request path must not contain dot segments, empty segments or encoded slashes or dots.',
  },
});

/**
 * A target with dot segments, `//` or encoded `/`, `.` or `\` is refused before any routing: a
 * proxy may match its normalised form while forwarding the raw one, which once reached the
 * validation endpoints through `/api-token-auth/authz/ext-authz/../../x`.
 */
function refuseTarget(res: ServerResponse): void {
  res.writeHead(400, [
    ...SECURITY_HEADERS,
    'Content-Type',
    'application/json; charset=utf-8',
    'Content-Length',
    String(Buffer.byteLength(UNPLAIN_TARGET)),
  ]);
  res.end(UNPLAIN_TARGET);
}

const metricsEndpointOf = (deps: CompanionDeps) =>
  metricsEndpoint({ basePath: deps.config.basePath, registry: deps.metrics.registry, logger: deps.logger });

export function createApp(deps: CompanionDeps): CompanionApp {
  const { authz } = deps;
  const app = new CompanionApp(
    authzEndpoints({
      basePath: deps.config.basePath,
      identityHeader: deps.config.identityHeader,
      authz,
      logger: deps.logger,
    }),
    deps.config.metricsListen ? undefined : metricsEndpointOf(deps),
  );
  // Forwarding headers are never trusted by Koa itself; the client address comes from the
  // settings' trusted-proxy rules (server/authz/client-ip.ts).
  app.proxy = false;
  // Credentials on the management API are judged by the validation plane's core.
  const managementGuard = [
    originCheck({ allowedOrigins: deps.config.allowedOrigins }),
    jsonBody({ limit: BODY_LIMIT }),
    identify({ directory: deps.directory, authz, permissions: () => deps.permissions.get() }),
  ];
  app.use(requestContext({ logger: deps.logger, quietPrefix: `${deps.config.basePath}/authz/` }));
  // Outside the error handler, so error responses carry the headers too.
  app.use(securityHeaders());
  app.use(errorHandler({ logger: deps.logger }));
  for (const router of routers({ ...deps, managementGuard })) app.use(router.routes());
  return app;
}

export interface RunningServer {
  url: string;
  /** The TCP port (0 on a Unix socket). */
  port: number;
  /** `<base>/metrics` on the ATA_METRICS_LISTEN listener, when there is one. */
  metricsUrl?: string;
  logger: Logger;
  deps: CompanionDeps;
  close(): Promise<void>;
}

// Above nginx's 60 s upstream keep-alive, so the proxy never reuses a socket Node already closed.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

const SHUTDOWN_GRACE_MS = 5_000;

function origin(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

async function listenTcp(server: Server, host: string, port: number): Promise<AddressInfo> {
  await listen(server, { host, port });
  return server.address() as AddressInfo;
}

/**
 * Opens the database (migrating it), wires services and directory, and listens on config.listen.
 * close() stops accepting requests, runs the registered shutdown hooks (e.g. flushing batched
 * last-used writes), then closes the database.
 */
export async function startServer(
  config: Config,
  overrides: CompanionOverrides = {},
): Promise<RunningServer> {
  const companion = await wireCompanion(config, overrides);
  const app = createApp(companion.deps);
  // Draining (close() called): every answer closes its connection, so a proxy's keep-alive
  // connections end after the request in flight and the proxy opens new ones to another instance.
  let draining = false;
  const handle = app.callback();
  const server = createServer((req, res) => {
    if (draining) res.shouldKeepAlive = false;
    return handle(req, res);
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  // The listener's origin (http://unix:/path: on a Unix socket, as nginx writes it) and TCP port.
  let listenerOrigin: string;
  let port = 0;
  let metricsServer: Server | undefined;
  let metricsUrl: string | undefined;
  try {
    if ('socket' in config.listen) {
      await listenOnSocket(server, config.listen.socket);
      listenerOrigin = `http://unix:${config.listen.socket}:`;
    } else {
      const address = await listenTcp(server, config.listen.host, config.listen.port);
      listenerOrigin = origin(address);
      port = address.port;
    }
    if (config.metricsListen) {
      metricsServer = createServer(metricsOnly(metricsEndpointOf(companion.deps)));
      const at = await listenTcp(metricsServer, config.metricsListen.host, config.metricsListen.port);
      metricsUrl = `${origin(at)}${config.basePath}/metrics`;
    }
  } catch (err) {
    if (server.listening) server.close();
    await companion.shutdown();
    throw err;
  }
  const url = `${listenerOrigin}${config.basePath}`;
  companion.deps.logger.info(
    { url, metricsUrl, product: companion.deps.product },
    `api-token-auth listening on ${url}`,
  );
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    metricsUrl,
    logger: companion.deps.logger,
    deps: companion.deps,
    close() {
      closing ??= (async () => {
        metricsServer?.close();
        metricsServer?.closeAllConnections();
        draining = true;
        // A connection busy at the signal goes idle after its answer (sent keep-alive): close it then.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // Requests still running after the grace period are cut off rather than block the exit.
          setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
        });
        clearInterval(sweep);
        await companion.shutdown();
      })();
      return closing;
    },
  };
}
