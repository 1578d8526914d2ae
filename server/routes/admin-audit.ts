import type Router from '@koa/router';
import { AuditExportQuery, type AuditPage, AuditQuery } from '../../shared/api.ts';
import { requireAdmin } from '../middleware/authorize.ts';
import { inputOf, validate } from '../middleware/validate.ts';
import type { AuditFilter } from '../services/types.ts';
import { managementRouter, type RouteDeps } from './deps.ts';
import { dateOrUndefined, toApiAudit } from './serialize.ts';

type Filters = Omit<AuditQuery, 'limit' | 'offset'>;

const toFilter = (q: Filters): AuditFilter => ({
  actor: q.actor,
  action: q.action,
  subjectUser: q.subjectUser,
  tokenId: q.tokenId,
  from: dateOrUndefined(q.from),
  to: dateOrUndefined(q.to),
});

// Read-only: the audit log is append-only, and no route edits or removes records.
export function adminAuditRouter(deps: RouteDeps): Router {
  return managementRouter(deps)
    .get('/admin/audit', requireAdmin(), validate({ query: AuditQuery }), async (ctx) => {
      const { limit, offset, ...filters } = inputOf<undefined, AuditQuery>(ctx).query;
      const page = await deps.audit.list(toFilter(filters), { limit, offset });
      const body: AuditPage = { ...page, items: page.items.map(toApiAudit) };
      ctx.body = body;
    })
    .get('/admin/audit/export', requireAdmin(), validate({ query: AuditExportQuery }), async (ctx) => {
      const { format, ...filters } = inputOf<undefined, Filters & { format: 'csv' | 'jsonl' }>(ctx).query;
      const filter = toFilter(filters);
      const stamp = deps.clock().toISOString().slice(0, 10);
      ctx.set('Content-Disposition', `attachment; filename="api-token-auth-audit-${stamp}.${format}"`);
      ctx.type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
      ctx.body = format === 'csv' ? deps.audit.exportCsv(filter) : deps.audit.exportJsonLines(filter);
    });
}
