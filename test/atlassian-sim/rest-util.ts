import type { Middleware } from 'koa';
import { originOf, type SimContext } from './site.ts';

// Query parameter parsing shared by both products' REST resources.
export function intParam(
  ctx: SimContext,
  name: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = ctx.query[name];
  const value = Number.parseInt(typeof raw === 'string' ? raw : '', 10);
  return Number.isFinite(value) && value >= 0 ? Math.min(value, max) : fallback;
}

export function boolParam(ctx: SimContext, name: string, fallback: boolean): boolean {
  const raw = ctx.query[name];
  return typeof raw === 'string' ? raw.toLowerCase() === 'true' : fallback;
}

export function strParam(ctx: SimContext, name: string): string | undefined {
  const raw = ctx.query[name];
  return typeof raw === 'string' ? raw : Array.isArray(raw) ? raw[0] : undefined;
}

export function listParam(ctx: SimContext, name: string): string[] {
  const raw = ctx.query[name];
  return (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []).flatMap((v) => v.split(','));
}

export function json(ctx: SimContext, status: number, body: unknown): void {
  ctx.status = status;
  ctx.body = body;
}

// Atlassian REST's XSRF protection, for cookie-authenticated requests (Basic, Bearer and header requests carry
// no ambient credential a foreign page could ride on):
// - a mutating request from a browser-like User-Agent needs a same-origin Origin or Referer, or a
//   `chrome-extension://` origin (`moz-extension://` is not accepted);
// - a form-like request (urlencoded, multipart, text/plain; a POST without a content type) needs
//   `X-Atlassian-Token: no-check`.
// So a server-side JSON POST with a non-browser User-Agent passes, with or without the header.
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

function isBrowserLike(userAgent: string): boolean {
  return /Mozilla|Opera|AppleWebKit|Gecko|Chrome|Safari/.test(userAgent);
}

function originAllowed(ctx: SimContext): boolean {
  const site = originOf(ctx);
  const origin = ctx.get('Origin');
  if (origin) return origin === site || origin.startsWith('chrome-extension://');
  const referer = ctx.get('Referer');
  if (!referer) return false;
  try {
    return new URL(referer).origin === site;
  } catch {
    return false;
  }
}

export function xsrfBlocked(ctx: SimContext): boolean {
  if (SAFE_METHODS.includes(ctx.method) || ctx.state.authMethod !== 'session') return false;
  if (isBrowserLike(ctx.get('User-Agent')) && !originAllowed(ctx)) return true;
  if (ctx.get('X-Atlassian-Token').toLowerCase() === 'no-check') return false;
  // A bodiless DELETE (Jira's logout) has no content type and is not form-like; a POST without one is.
  if (!ctx.get('Content-Type')) return ctx.method === 'POST';
  return ctx.is('application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain') !== false;
}

/** Applies the XSRF rule to every REST resource of the site, with Atlassian REST's plain-text 403. */
export function xsrfProtection(): Middleware {
  return async (ctx, next) => {
    if (ctx.path.startsWith('/rest/') && xsrfBlocked(ctx as SimContext)) {
      ctx.status = 403;
      ctx.body = 'XSRF check failed';
      return;
    }
    await next();
  };
}
