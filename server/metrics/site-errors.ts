import { AppError } from '../errors.ts';

export const SITE_ERROR_KINDS = [
  'timeout',
  'unreachable',
  'server-error',
  'unreadable',
  'refused',
  'other',
] as const;
export type SiteErrorKind = (typeof SITE_ERROR_KINDS)[number];

// The site client (server/directory/site-client.ts) reports every failure as one 503
// `site_unavailable` AppError whose message tells the operator what happened; what is counted
// here is read from those messages. test/unit/metrics/site-errors.test.ts drives the real client
// into each failure, so a reworded message fails a test instead of silently becoming `other`.
const PATTERNS: ReadonlyArray<readonly [RegExp, SiteErrorKind]> = [
  [/cannot be reached \(no answer within/, 'timeout'],
  [/cannot be reached/, 'unreachable'],
  [/answered \d{3}/, 'server-error'],
  [/unreadable answer/, 'unreadable'],
  [/refused/, 'refused'],
];

/** Why a lookup at the site failed, as one of a few fixed label values. */
export function siteErrorKind(failure: unknown): SiteErrorKind {
  if (!(failure instanceof AppError) || failure.code !== 'site_unavailable') return 'other';
  for (const [pattern, kind] of PATTERNS) if (pattern.test(failure.message)) return kind;
  return 'other';
}
