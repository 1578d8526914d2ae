import type { AuditRecord as ApiAuditRecord, Token } from '../../shared/api.ts';
import type { AuditRecord, TokenRecord } from '../services/types.ts';
import type { SiteCredentialStatus } from '../site-credentials/site-credential-service.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// The API shape of a token: never the hash, never the secret (nor anything of its site credential
// but how it stands).
export function toApiToken(t: TokenRecord, siteCredential?: SiteCredentialStatus): Token {
  return {
    id: t.id,
    owner: t.owner,
    name: t.name,
    scope: t.scope,
    ipAllowlist: t.ipAllowlist,
    createdAt: t.createdAt.toISOString(),
    expiresAt: iso(t.expiresAt),
    lastUsedAt: iso(t.lastUsedAt),
    lastUsedIp: t.lastUsedIp,
    createdBy: t.createdBy,
    hint: t.hint,
    ...(siteCredential === undefined ? {} : { siteCredential }),
  };
}

export function toApiAudit(r: AuditRecord): ApiAuditRecord {
  return { ...r, at: r.at.toISOString() };
}

// Query timestamps arrive as ISO strings (validated by the schema); the services take Dates.
export const dateOrUndefined = (value: string | undefined) => (value ? new Date(value) : undefined);
