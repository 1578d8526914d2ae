// What a local audit record looks like in the site's own audit log. Each management record becomes
// one site record; a batch's authentication records (one per checked request when authentications
// are audited) become a single summary record, so the site's log is not flooded with a copy of
// every API call. The companion's own audit log keeps every record in full.
import type { Product } from '../config.ts';
import type { AuditAction, AuditRecord } from '../services/types.ts';

export type LocalAuditRecord = Omit<AuditRecord, 'id'>;

/** A record for the site's log, before it takes the product's shape. */
export interface SiteEvent {
  summary: string;
  description: string;
  at: Date;
  actor: string;
  remoteIp: string | null;
  affected: { name: string; type: string } | null;
  associated: Array<{ name: string; type: string }>;
  changed: Array<{ name: string; from: string; to: string }>;
}

export const SITE_AUDIT_CATEGORY = 'API tokens';

const SUMMARIES: Record<Exclude<AuditAction, `auth.${string}`>, string> = {
  'token.created': 'API token created',
  'token.deleted': 'API token deleted',
  'tokens.deleted_all': 'All API tokens of a user deleted',
  'tokens.capped': 'API token expiry capped',
  'settings.changed': 'API token settings changed',
  'permissions.changed': 'API token permissions changed',
};

// The products store these in fixed-width columns (Jira's legacy audit: 255 characters).
const MAX_VALUE = 255;
const MAX_LISTED_USERS = 20;

const text = (value: unknown): string => {
  const s =
    value === null || value === undefined
      ? ''
      : typeof value === 'string'
        ? value
        : value instanceof Date
          ? value.toISOString()
          : JSON.stringify(value);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
};

const isAuth = (record: LocalAuditRecord) => record.action.startsWith('auth.');

/** The details as changed values: a before/after document by its changed keys, anything else as set. */
function changedValues(details: Record<string, unknown> | null): SiteEvent['changed'] {
  if (!details) return [];
  const { before, after } = details as { before?: unknown; after?: unknown };
  if (after && typeof after === 'object' && (before === null || typeof before === 'object')) {
    const old = (before ?? {}) as Record<string, unknown>;
    const now = after as Record<string, unknown>;
    return [...new Set([...Object.keys(old), ...Object.keys(now)])]
      .filter((key) => JSON.stringify(old[key]) !== JSON.stringify(now[key]))
      .map((key) => ({ name: key, from: text(old[key]), to: text(now[key]) }));
  }
  return Object.entries(details).map(([name, value]) => ({ name, from: '', to: text(value) }));
}

function managementEvent(record: LocalAuditRecord): SiteEvent {
  const summary = SUMMARIES[record.action as keyof typeof SUMMARIES] ?? record.action;
  const subject = record.subjectUser ? ` for ${record.subjectUser}` : '';
  return {
    summary,
    description: `${summary}${subject} by ${record.actor} (api-token-auth, action ${record.action}).`,
    at: record.at,
    actor: record.actor,
    remoteIp: record.remoteIp,
    affected: record.subjectUser ? { name: record.subjectUser, type: 'User' } : null,
    associated:
      record.tokenName || record.tokenId
        ? [{ name: record.tokenName ?? record.tokenId ?? '', type: 'API token' }]
        : [],
    changed: changedValues(record.details),
  };
}

function authenticationSummary(records: LocalAuditRecord[]): SiteEvent {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  const users = [...new Set(records.map((r) => r.subjectUser ?? r.actor))];
  const first = records[0] as LocalAuditRecord;
  const last = records.at(-1) as LocalAuditRecord;
  return {
    summary: 'API token authentications',
    description:
      `${records.length} authentication records from ${first.at.toISOString()} to ${last.at.toISOString()}; ` +
      'each one is in the api-token-auth audit log.',
    at: last.at,
    actor: 'api-token-auth',
    remoteIp: null,
    affected: null,
    associated: users.slice(0, MAX_LISTED_USERS).map((name) => ({ name, type: 'User' })),
    changed: [...counts].map(([action, n]) => ({ name: action, from: '', to: String(n) })),
  };
}

/** One site record per management record, plus one summary of the authentication records. */
export function toSiteEvents(
  records: LocalAuditRecord[],
): Array<{ event: SiteEvent; sources: LocalAuditRecord[] }> {
  const auth = records.filter(isAuth);
  const events = records.filter((r) => !isAuth(r)).map((r) => ({ event: managementEvent(r), sources: [r] }));
  if (auth.length > 0) events.push({ event: authenticationSummary(auth), sources: auth });
  return events;
}

/** The POST body of the product's audit REST (../shared/docs/atlassian-pages.md, "Audit log REST"). */
export function siteRecordBody(product: Product, event: SiteEvent): Record<string, unknown> {
  if (product === 'confluence') {
    return {
      author: { type: 'user', username: event.actor, displayName: event.actor },
      remoteAddress: event.remoteIp ?? '',
      creationDate: event.at.getTime(),
      summary: event.summary,
      description: event.description,
      category: SITE_AUDIT_CATEGORY,
      sysAdmin: false,
      ...(event.affected
        ? { affectedObject: { name: event.affected.name, objectType: event.affected.type } }
        : {}),
      changedValues: event.changed.map((c) => ({ name: c.name, oldValue: c.from, newValue: c.to })),
      associatedObjects: event.associated.map((a) => ({ name: a.name, objectType: a.type })),
    };
  }
  // Jira's legacy record has no author or address of its own (the author is the calling user).
  const who = [
    { fieldName: 'Actor', changedFrom: '', changedTo: event.actor },
    ...(event.remoteIp ? [{ fieldName: 'Remote address', changedFrom: '', changedTo: event.remoteIp }] : []),
  ];
  return {
    summary: event.summary,
    category: SITE_AUDIT_CATEGORY,
    ...(event.affected
      ? { objectItem: { name: event.affected.name, typeName: event.affected.type.toUpperCase() } }
      : {}),
    changedValues: [
      ...who,
      ...event.changed.map((c) => ({ fieldName: c.name, changedFrom: c.from, changedTo: c.to })),
    ],
    associatedItems: event.associated.map((a) => ({ name: a.name, typeName: a.type.toUpperCase() })),
  };
}
