import type Router from '@koa/router';
import { confluenceError, pageOf } from './confluence/json.ts';
import { jiraDate, jiraError, NOT_AUTHENTICATED } from './jira/json.ts';
import { intParam, json } from './rest-util.ts';
import type { RequestIdentity, SimContext, Site } from './site.ts';
import type { SimState } from './state.ts';
import type { SimUser } from './users.ts';

// The sites' own audit log REST, administrators only, as ../shared/docs/atlassian-pages.md describes it:
// - Confluence: `POST /rest/api/audit` stores one record, `GET /rest/api/audit` lists them (newest first);
// - Jira: the legacy `POST|GET /rest/api/2/auditing/record`, deprecated with advanced auditing (8.8) and served
//   here by the Jira 8 flavour only; Jira 10 answers Jersey's 404, as a version without it does.
// Each POST stores exactly one record: neither product takes a list.

export interface SiteAuditRecord {
  id: number;
  /** The name of the user whose credential posted it (the site records the caller, whatever the body says). */
  postedBy: string;
  at: Date;
  /** The body as posted. */
  body: Record<string, unknown>;
}

/** What a test reads: every record the site's audit REST accepted, oldest first. */
export class SiteAuditLog {
  readonly records: SiteAuditRecord[] = [];
  /** Every POST the audit REST received, accepted or not (for counting deliveries). */
  posts = 0;
  private nextId = 1;

  add(postedBy: string, body: Record<string, unknown>): SiteAuditRecord {
    const record = { id: this.nextId++, postedBy, at: new Date(), body };
    this.records.push(record);
    return record;
  }
}

const logs = new WeakMap<SimState, SiteAuditLog>();

/** The simulated site's audit log. */
export function siteAuditLog(state: SimState): SiteAuditLog {
  let log = logs.get(state);
  if (!log) {
    log = new SiteAuditLog();
    logs.set(state, log);
  }
  return log;
}

/** Jira removed the legacy resource in 10.0; the simulator's Jira 8.20 still has it. */
export function hasLegacyJiraAudit(site: Site): boolean {
  return site.flavour.product === 'jira' && site.flavour.versionNumbers[0] < 10;
}

const isObject = (b: unknown): b is Record<string, unknown> =>
  typeof b === 'object' && b !== null && !Array.isArray(b);
const hasSummary = (b: Record<string, unknown>) => typeof b.summary === 'string' && b.summary.trim() !== '';

export function registerAuditRest(router: Router<RequestIdentity>, site: Site): void {
  const log = siteAuditLog(site.state);
  const isAdmin = (user: SimUser) => site.state.directory.isAdmin(user);

  if (site.flavour.product === 'confluence') {
    const admin = (ctx: SimContext): SimUser | null => {
      const user = ctx.state.user;
      if (!user) json(ctx, 401, confluenceError(401, 'This resource requires an authenticated user.'));
      else if (!isAdmin(user))
        json(ctx, 403, confluenceError(403, 'Only Confluence administrators may use the audit log.'));
      return user && isAdmin(user) ? user : null;
    };
    router.post('/rest/api/audit', (ctx) => {
      log.posts++;
      const user = admin(ctx);
      if (!user) return;
      const body = ctx.request.body;
      if (!isObject(body) || !hasSummary(body))
        return json(ctx, 400, confluenceError(400, 'An audit record needs a summary.'));
      const stored = log.add(user.name, body);
      json(ctx, 200, { ...body, creationDate: body.creationDate ?? stored.at.getTime() });
    });
    router.get('/rest/api/audit', (ctx) => {
      if (!admin(ctx)) return;
      const newestFirst = [...log.records].reverse().map((r) => ({ ...r.body }));
      json(
        ctx,
        200,
        pageOf(ctx, site, newestFirst, intParam(ctx, 'start', 0), intParam(ctx, 'limit', 1000, 1000)),
      );
    });
    return;
  }

  if (!hasLegacyJiraAudit(site)) return;
  const admin = (ctx: SimContext): SimUser | null => {
    const user = ctx.state.user;
    if (!user) json(ctx, 401, jiraError(NOT_AUTHENTICATED));
    else if (!isAdmin(user)) json(ctx, 403, jiraError('You do not have permission to view the audit log.'));
    return user && isAdmin(user) ? user : null;
  };
  router.post('/rest/api/2/auditing/record', (ctx) => {
    log.posts++;
    const user = admin(ctx);
    if (!user) return;
    const body = ctx.request.body;
    if (!isObject(body) || !hasSummary(body))
      return json(ctx, 400, jiraError('The audit record must have a summary.'));
    log.add(user.name, body);
    ctx.status = 201;
  });
  router.get('/rest/api/2/auditing/record', (ctx) => {
    if (!admin(ctx)) return;
    const offset = intParam(ctx, 'offset', 0);
    const limit = intParam(ctx, 'limit', 1000, 1000);
    const newestFirst = [...log.records].reverse();
    json(ctx, 200, {
      offset,
      limit,
      total: newestFirst.length,
      records: newestFirst.slice(offset, offset + limit).map((r) => ({
        id: r.id,
        authorKey: site.state.directory.get(r.postedBy)?.jiraKey ?? null,
        created: jiraDate(r.at),
        ...r.body,
      })),
    });
  });
}
