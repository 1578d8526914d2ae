// Where each product takes audit records, and whether this site does: asked once, with a read
// that writes nothing (the list resource next to the one that records). Jira's legacy record API
// went away with advanced auditing on newer versions, so it is detected, never assumed.
import type { Product } from '../config.ts';
import type { SiteClient, SiteResponse } from '../directory/site-client.ts';

export const SITE_AUDIT_PATHS: Record<Product, { record: string; probe: string }> = {
  confluence: { record: '/rest/api/audit', probe: '/rest/api/audit?limit=1' },
  jira: { record: '/rest/api/2/auditing/record', probe: '/rest/api/2/auditing/record?limit=1' },
};

/** What the site's audit REST said to the service credential. */
export type SiteAuditProbe = { state: 'available'; checked: string } | SiteAuditRefusal;

export interface SiteAuditRefusal {
  state: 'absent' | 'refused';
  checked: string;
  status: number;
  why: string;
}

const answered = (request: string, res: SiteResponse) => `${request.split('?')[0]} answered ${res.status}`;

export const authHeaders = (serviceAuth: string | undefined): Record<string, string> =>
  serviceAuth ? { Authorization: serviceAuth } : {};

/** Why an answer means mirroring cannot work; undefined when it can (or the failure may pass). */
export function refusalOf(
  product: Product,
  request: string,
  res: SiteResponse,
): SiteAuditRefusal | undefined {
  const checked = answered(request, res);
  if (res.status === 404 || res.status === 405) {
    const why =
      product === 'jira'
        ? 'this Jira version no longer accepts the legacy audit record API (it was deprecated with advanced auditing in 8.8); records stay in the companion audit log only'
        : 'this Confluence has no audit REST (/rest/api/audit); records stay in the companion audit log only';
    return { state: 'absent', checked, status: res.status, why };
  }
  if (res.status === 401 || res.status === 403) {
    const proxyReason = res.headers.get('x-api-token-auth-reason');
    const why = proxyReason
      ? `the reverse proxy refused the companion's request (${proxyReason}); point ATA_SITE_URL at the site itself`
      : `the site's audit log is for administrators and the service user of ATA_SERVICE_AUTH is not one (or the credential is not accepted)`;
    return { state: 'refused', checked, status: res.status, why };
  }
  return undefined;
}

/**
 * Asks the site's audit list resource for one record. Throws the site client's AppError when the
 * site cannot be reached (the caller tries again later).
 */
export async function probeSiteAudit(
  site: SiteClient,
  product: Product,
  serviceAuth: string | undefined,
): Promise<SiteAuditProbe> {
  const path = SITE_AUDIT_PATHS[product].probe;
  const res = await site.get(path, authHeaders(serviceAuth));
  const refused = refusalOf(product, `GET ${path}`, res);
  if (refused) return refused;
  const checked = answered(`GET ${path}`, res);
  if (res.status >= 200 && res.status < 300) return { state: 'available', checked };
  return {
    state: 'refused',
    checked,
    status: res.status,
    why: `the site gave an unexpected answer (${res.status})`,
  };
}
