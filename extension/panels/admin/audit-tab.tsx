// Audit Log: filters, a page of records, and export as CSV or JSON Lines (downloaded through the
// same companion client, so the person's own session authorises it).
import { useState } from 'preact/hooks';
import { AUDIT_ACTIONS } from '../../../shared/audit-actions.ts';
import type { AuditPage } from '../../api-types.ts';
import type { CompanionClient } from '../../companion-client.ts';
import { t } from '../../i18n.ts';
import { endpoints } from '../endpoints.ts';
import { ErrorMessage } from '../error-message.tsx';
import { formatDate } from '../format.ts';
import { useAction, useLoad } from '../hooks.ts';
import { Pager } from '../pager.tsx';
import { FilterField, filterQuery } from './filter-field.tsx';

const PAGE = 50;
const EMPTY = { actor: '', action: '', subjectUser: '', from: '', to: '' };
const DATES = { from: 'start', to: 'end' } as const;

export function AuditTab({ client }: { client: CompanionClient }) {
  const [filters, setFilters] = useState(EMPTY);
  const [applied, setApplied] = useState(EMPTY);
  const [offset, setOffset] = useState(0);
  const page = useLoad(
    () => client.get<AuditPage>(endpoints.audit({ ...filterQuery(applied, DATES), limit: PAGE, offset })),
    [client, applied, offset],
  );
  const download = useAction(async (format: 'csv' | 'jsonl') => {
    const text = await client.request<string>(
      'GET',
      endpoints.auditExport({ ...filterQuery(applied, DATES), format }),
      undefined,
      'text',
    );
    const link = document.createElement('a');
    link.href = URL.createObjectURL(
      new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/x-ndjson' }),
    );
    link.download = `api-token-auth-audit.${format}`;
    link.click();
    // Revoked after the click has handed the blob to the download, not before.
    setTimeout(() => URL.revokeObjectURL(link.href));
  });
  const field = (
    key: 'actor' | 'subjectUser' | 'from' | 'to',
    label: string,
    type: 'text' | 'date' = 'text',
  ) => (
    <FilterField
      id={`ata-audit-${key}`}
      label={label}
      type={type}
      value={filters[key]}
      onInput={(value) => setFilters({ ...filters, [key]: value })}
    />
  );
  const total = page.data?.total ?? 0;
  return (
    <section>
      <form
        class="row"
        aria-label={t('filterAudit')}
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setApplied(filters);
        }}
      >
        {field('actor', t('auditActor'))}
        <div class="field">
          <label for="ata-audit-action">{t('auditAction')}</label>
          <select
            id="ata-audit-action"
            value={filters.action}
            onChange={(e) => setFilters({ ...filters, action: e.currentTarget.value })}
          >
            <option value="">{t('anyAction')}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        {field('subjectUser', t('auditSubject'))}
        {field('from', t('auditFrom'), 'date')}
        {field('to', t('auditTo'), 'date')}
        <div class="field">
          <button type="submit">{t('applyFilters')}</button>
        </div>
        <div class="field">
          <button type="button" onClick={() => void download.run('csv')}>
            {t('exportCsv')}
          </button>{' '}
          <button type="button" onClick={() => void download.run('jsonl')}>
            {t('exportJsonl')}
          </button>
        </div>
      </form>
      <ErrorMessage error={page.error ?? download.error} />
      {page.data && page.data.items.length === 0 && <p class="subtle">{t('auditEmpty')}</p>}
      {page.data && page.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('auditAt')}</th>
              <th scope="col">{t('auditActor')}</th>
              <th scope="col">{t('auditAction')}</th>
              <th scope="col">{t('auditSubject')}</th>
              <th scope="col">{t('colName')}</th>
              <th scope="col">{t('auditIp')}</th>
              <th scope="col">{t('auditDetails')}</th>
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((r) => (
              <tr key={r.id}>
                <td>{formatDate(r.at)}</td>
                <td>{r.actor}</td>
                <td>{r.action}</td>
                <td>{r.subjectUser ?? ''}</td>
                <td>{r.tokenName ?? ''}</td>
                <td>{r.remoteIp ?? ''}</td>
                <td>
                  {r.details && (
                    // Settings changes carry before/after; shown on demand to keep the table scannable.
                    <details>
                      <summary>{t('auditShowDetails')}</summary>
                      <pre class="subtle">{JSON.stringify(r.details, null, 2)}</pre>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager offset={offset} total={total} size={PAGE} onOffset={setOffset} />
    </section>
  );
}
