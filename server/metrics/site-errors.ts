import { SITE_FAILURES, SiteUnavailableError } from '../directory/site-client.ts';

export const SITE_ERROR_KINDS = [...SITE_FAILURES, 'other'] as const;
export type SiteErrorKind = (typeof SITE_ERROR_KINDS)[number];

/** Why a lookup at the site failed, as one of a few fixed label values: the site client says. */
export function siteErrorKind(failure: unknown): SiteErrorKind {
  return failure instanceof SiteUnavailableError ? failure.failure : 'other';
}
