import type Router from '@koa/router';
import { jiraDate } from './jira/json.ts';
import type { PatRecord } from './pats.ts';
import { json } from './rest-util.ts';
import type { RequestIdentity, SimContext, Site } from './site.ts';
import type { SimUser } from './users.ts';

// The PAT plugin's REST resource under /rest/pat/latest, the same in Jira and Confluence. Nobody, admins
// included, creates a token for someone else: the owner is always the caller. Errors are `{exception, error}`;
// the texts are the simulator's, clients should go by the status code.
const UNAUTHORIZED = 'Requesting user is unauthorized to perform this operation';

function patError(ctx: SimContext, status: number, exception: string, error: string): void {
  json(ctx, status, { exception, error });
}

function tokenJson(record: PatRecord, rawToken?: string) {
  return {
    id: record.id,
    name: record.name,
    createdAt: jiraDate(record.createdAt),
    ...(record.expiringAt ? { expiringAt: jiraDate(record.expiringAt) } : {}),
    ...(record.lastAccessedAt ? { lastAccessedAt: jiraDate(record.lastAccessedAt) } : {}),
    ...(rawToken ? { rawToken } : {}),
  };
}

export function registerPatRest(router: Router<RequestIdentity>, site: Site): void {
  const { state } = site;
  const { pats } = state;
  const isAdmin = (user: SimUser) => state.directory.isAdmin(user);
  const keyOf = (ctx: SimContext) => state.userKey(ctx.state.user as SimUser);

  router.use('/rest/pat', async (ctx, next) => {
    // With the feature off the resource is not there, as on a site older than the plugin.
    if (!pats.settings.enabled) return;
    if (!ctx.state.user) return patError(ctx, 401, 'NotAuthorizedException', UNAUTHORIZED);
    await next();
  });

  const caller = (ctx: SimContext) => ctx.state.user as SimUser;
  const mayManage = (ctx: SimContext, record: PatRecord) =>
    record.owner === keyOf(ctx) || isAdmin(caller(ctx));
  const findFor = (ctx: SimContext): PatRecord | undefined => {
    const id = Number(ctx.params.id);
    const record = Number.isSafeInteger(id) ? pats.get(id) : undefined;
    if (!record) {
      patError(ctx, 404, 'NotFoundException', `Token with id ${ctx.params.id} was not found`);
      return undefined;
    }
    if (!mayManage(ctx, record)) {
      patError(ctx, 401, 'NotAuthorizedException', UNAUTHORIZED);
      return undefined;
    }
    return record;
  };

  router.get('/rest/pat/latest/tokens', (ctx) => {
    json(
      ctx,
      200,
      pats.ownedBy(keyOf(ctx)).map((r) => tokenJson(r)),
    );
  });

  router.post('/rest/pat/latest/tokens', (ctx) => {
    const body = ctx.request.body;
    if (!ctx.is('application/json') || typeof body !== 'object' || body === null || Array.isArray(body)) {
      return patError(ctx, 400, 'BadRequestException', 'The request body must be a JSON object.');
    }
    const created = pats.create(keyOf(ctx), body);
    if (!created.ok) {
      const exception =
        created.status === 403 ? 'TokenLimitExceededException' : 'InvalidTokenRequestException';
      return patError(ctx, created.status, exception, created.error);
    }
    json(ctx, 201, tokenJson(created.record, created.rawToken));
  });

  router.get('/rest/pat/latest/tokens/:id', (ctx) => {
    const record = findFor(ctx);
    if (record) json(ctx, 200, tokenJson(record));
  });

  router.delete('/rest/pat/latest/tokens/:id', (ctx) => {
    const record = findFor(ctx);
    if (!record) return;
    pats.delete(record.id);
    ctx.status = 204;
  });

  // Data Center's bulk revocation for system administrators; the body is the list of REST ids.
  router.delete('/rest/pat/latest/admin/tokens', (ctx) => {
    if (!isAdmin(caller(ctx))) return patError(ctx, 401, 'NotAuthorizedException', UNAUTHORIZED);
    const ids = ctx.request.body;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id))) {
      return patError(ctx, 400, 'BadRequestException', 'The request body must be a JSON array of token ids.');
    }
    for (const id of ids as number[]) pats.delete(id);
    ctx.status = 204;
  });
}
