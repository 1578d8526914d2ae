import type { RouterContext } from '@koa/router';
import type { Flavour } from './flavours.ts';
import type { Session } from './sessions.ts';
import type { AuthMethod, SimState } from './state.ts';
import type { SimUser } from './users.ts';

// One running simulated site: its flavour, mutable state and the options it was started with.
export interface Site {
  flavour: Flavour;
  state: SimState;
  /** '' or '/jira': every URL of the site lives under it. */
  contextPath: string;
  webSudo: boolean;
  isTrustedProxy: (peer: string) => boolean;
  identityHeader: string;
  /** Seed of the XSRF tokens, random per site. */
  secret: string;
}

export interface RequestIdentity {
  user: SimUser | null;
  authMethod: AuthMethod;
  session: Session | undefined;
}

export type SimContext = RouterContext<RequestIdentity>;

/** A site-absolute path: the context path plus `path`. */
export function sitePath(site: Site, path: string): string {
  return `${site.contextPath}${path}`;
}

/** The base URL pages announce (`ajs-base-url`): origin plus context path, no trailing slash. */
export function baseUrl(ctx: { protocol: string; host: string }, site: Site): string {
  return `${originOf(ctx)}${site.contextPath}`;
}

/** The origin the client used (Host header), so pages behind a front proxy announce the proxy's origin. */
export function originOf(ctx: { protocol: string; host: string }): string {
  return `${ctx.protocol}://${ctx.host}`;
}

/** The request's own path and query inside the site, used for `os_destination` style return links. */
export function destinationOf(ctx: { path: string; querystring: string }): string {
  return ctx.querystring ? `${ctx.path}?${ctx.querystring}` : ctx.path;
}
