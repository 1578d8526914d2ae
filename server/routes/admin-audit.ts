import { AuditExportQuery, AuditPage, AuditQuery } from '../../shared/api.ts';
import type { AuditFilter } from '../services/types.ts';
import { dateOrUndefined, toApiAudit } from './serialize.ts';
import { type Route, route } from './table.ts';

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
export const adminAuditRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/v1/admin/audit',
    guard: 'admin',
    tag: 'Audit',
    summary: 'Audit records, filtered and paginated (append-only)',
    input: { query: AuditQuery },
    output: { status: 200, schema: AuditPage, description: 'One page' },
    async handler({ deps, query }) {
      const { limit, offset, ...filters } = query;
      const page = await deps.audit.list(toFilter(filters), { limit, offset });
      return { ...page, items: page.items.map(toApiAudit) };
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/admin/audit/export',
    guard: 'admin',
    tag: 'Audit',
    summary: 'Export audit records as CSV or JSON Lines',
    input: { query: AuditExportQuery },
    output: { status: 200, description: 'A file', contentType: 'text/csv' },
    handler({ deps, ctx, query }) {
      const { format, ...filters } = query;
      const filter = toFilter(filters);
      const stamp = deps.clock().toISOString().slice(0, 10);
      ctx.set('Content-Disposition', `attachment; filename="api-token-auth-audit-${stamp}.${format}"`);
      ctx.type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
      ctx.body = format === 'csv' ? deps.audit.exportCsv(filter) : deps.audit.exportJsonLines(filter);
      return undefined;
    },
  }),
];
