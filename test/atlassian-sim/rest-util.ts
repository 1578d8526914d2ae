import type { SimContext } from './site.ts';

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

/** Cookie-authenticated form-style posts need `X-Atlassian-Token: no-check` (Atlassian's REST XSRF protection). */
export function xsrfBlocked(ctx: SimContext): boolean {
  if (['GET', 'HEAD', 'OPTIONS'].includes(ctx.method) || ctx.state.authMethod !== 'session') return false;
  const formLike = ctx.is('application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain');
  return formLike !== false && formLike !== null && ctx.get('X-Atlassian-Token').toLowerCase() !== 'no-check';
}
