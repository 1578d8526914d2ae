import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { registerApplinksRest } from './applinks-rest.ts';
import { assetMiddleware } from './assets.ts';
import { registerAuditRest } from './audit-rest.ts';
import { authenticate } from './auth.ts';
import { registerConfluence } from './confluence/index.ts';
import type { FlavourName, Product } from './flavours.ts';
import { FLAVOURS } from './flavours.ts';
import { registerImages } from './images.ts';
import { registerJira } from './jira/index.ts';
import { notFound } from './not-found.ts';
import { registerPatRest } from './pat-rest.ts';
import type { PatSettings } from './pats.ts';
import { xsrfProtection } from './rest-util.ts';
import type { RequestIdentity, SimContext, Site } from './site.ts';
import { setSiteClock, siteDateHeader } from './site-clock.ts';
import { SimState } from './state.ts';
import { trustedProxyMatcher } from './trusted-proxies.ts';

export interface SimulatorOptions {
  flavour: FlavourName;
  port?: number;
  host?: string;
  /** '' (default) or a path such as '/jira'. */
  contextPath?: string;
  /**
   * The header authenticator (a header-SSO app or custom Seraph authenticator): addresses or CIDRs allowed to
   * assert a user with the identity header. Default none, as on a stock site: the header means nothing.
   */
  trustedProxies?: string[];
  /** Administration pages demand a fresh password (default true). */
  webSudo?: boolean;
  /** Header a trusted proxy uses to assert the user (default X-Forwarded-User). */
  identityHeader?: string;
  /** The PAT plugin's JVM properties (default: the plugin's defaults, 10 per user, 365 days, 40 characters). */
  pats?: Partial<PatSettings>;
  /** The site's clock: PAT creation, expiry and pruning, and the `Date` header, so tests can move time. */
  now?: () => Date;
}

export interface Simulator {
  flavour: FlavourName;
  product: Product;
  /** Origin plus context path, no trailing slash. */
  baseUrl: string;
  origin: string;
  port: number;
  state: SimState;
  close(): Promise<void>;
}

function normaliseContextPath(value = ''): string {
  const trimmed = value.replace(/\/+$/, '');
  if (trimmed && !/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(trimmed)) {
    throw new Error(`contextPath must look like /jira, got ${JSON.stringify(value)}`);
  }
  return trimmed;
}

/** Strips the context path so routes are written product-relative; anything outside it is a 404. */
function contextPathMiddleware(contextPath: string): Koa.Middleware {
  return async (ctx, next) => {
    if (!contextPath) return next();
    if (ctx.path === contextPath) return ctx.redirect(`${contextPath}/`);
    if (!ctx.path.startsWith(`${contextPath}/`)) {
      ctx.status = 404;
      ctx.body = 'Not Found';
      return;
    }
    ctx.path = ctx.path.slice(contextPath.length);
    await next();
  };
}

/** Records every REST call with who it ran as, for tests that check what reached the site. */
function requestLog(site: Site): Koa.Middleware {
  return async (ctx, next) => {
    const path = ctx.path;
    try {
      await next();
    } finally {
      if (path.startsWith('/rest/')) {
        const c = ctx as SimContext;
        site.state.logRequest({
          method: ctx.method,
          path,
          user: c.state.user?.name ?? null,
          authMethod: c.state.authMethod ?? 'anonymous',
          authorization: ctx.get('Authorization').split(/\s+/, 1)[0]?.toLowerCase() || null,
          status: ctx.status,
          ip: ctx.req.socket.remoteAddress ?? '',
          at: new Date(),
        });
      }
    }
  };
}

export function createSimulatorApp(site: Site): Koa {
  const app = new Koa();
  const router = new Router<RequestIdentity>();
  registerImages(router);
  registerPatRest(router, site);
  registerAuditRest(router, site);
  registerApplinksRest(router, site);
  if (site.flavour.product === 'jira') registerJira(router, site);
  else registerConfluence(router, site);
  app.use(siteDateHeader(site.state));
  app.use(contextPathMiddleware(site.contextPath));
  app.use(assetMiddleware(site.flavour));
  app.use(requestLog(site));
  // DELETE too: the PAT plugin's bulk revocation takes its list of ids as a DELETE body.
  app.use(
    bodyParser({ enableTypes: ['json', 'form', 'text'], parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'] }),
  );
  app.use(authenticate(site));
  app.use(xsrfProtection());
  app.use(notFound(site));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const flavour = FLAVOURS[options.flavour];
  if (!flavour) throw new Error(`unknown flavour ${JSON.stringify(options.flavour)}`);
  const site: Site = {
    flavour,
    state: new SimState(flavour.product, { pats: options.pats, now: options.now }),
    contextPath: normaliseContextPath(options.contextPath),
    webSudo: options.webSudo ?? true,
    isTrustedProxy: trustedProxyMatcher(options.trustedProxies ?? []),
    identityHeader: options.identityHeader ?? 'X-Forwarded-User',
    secret: randomBytes(16).toString('hex'),
  };
  if (options.now) setSiteClock(site.state, options.now);
  const app = createSimulatorApp(site);
  const host = options.host ?? '127.0.0.1';
  const server = app.listen(options.port ?? 0, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    flavour: flavour.name,
    product: flavour.product,
    baseUrl: `${origin}${site.contextPath}`,
    origin,
    port,
    state: site.state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
