import type { SiteClient } from '../directory/site-client.ts';

/*
 * The site's personal-access-token REST (`<context>/rest/pat/latest/tokens`), as the bundled PAT
 * plugin serves it. A PAT can only be created for oneself: with the owner's session cookie, or
 * with one of the owner's PATs (rotation). Deleting also works with an administrator's
 * credential. Requests are JSON with `X-Atlassian-Token: no-check` and a non-browser user agent,
 * which is what the site's XSRF filter lets through for a server-side caller.
 */

const PATH = '/rest/pat/latest/tokens';
export const SITE_PAT_NAME = 'api-token-auth';
const USER_AGENT = 'api-token-auth-companion/1 (+https://github.com/api-token-auth)';
/** Tried in order: the plugin's default maximum, then shorter ones for sites that lowered it. */
const EXPIRY_DAYS = [365, 180, 90, 30];

/** Who asks: the owner's session, or a PAT of theirs (or an admin's, for deleting). */
export type PatCredential = { cookie: string } | { authorization: string };

export interface CreatedPat {
  id: string;
  rawToken: string;
  expiresAt: Date | null;
}

export type PatFailure =
  /** The site has personal access tokens switched off (the resource answers 404). */
  | 'disabled'
  /** The user already has as many PATs as the site allows. */
  | 'limit'
  /** The credential does not authenticate (session over, PAT revoked). */
  | 'unauthorized'
  /** Anything else the site refused. */
  | 'refused';

export class SitePatError extends Error {
  constructor(
    readonly failure: PatFailure,
    readonly status: number,
  ) {
    super(`the site refused to manage a personal access token (${failure}, HTTP ${status})`);
    this.name = 'SitePatError';
  }
}

function headersFor(credential: PatCredential): Record<string, string> {
  const headers: Record<string, string> = { 'X-Atlassian-Token': 'no-check', 'User-Agent': USER_AGENT };
  if ('cookie' in credential) headers.Cookie = credential.cookie;
  else headers.Authorization = credential.authorization;
  return headers;
}

function failureOf(status: number): PatFailure {
  if (status === 404) return 'disabled';
  if (status === 403) return 'limit';
  if (status === 401) return 'unauthorized';
  return 'refused';
}

interface CreateAnswer {
  id?: unknown;
  rawToken?: unknown;
  expiringAt?: unknown;
}

export interface SitePats {
  /** False when the site has personal access tokens switched off (the resource answers 404). */
  enabled(credential: PatCredential): Promise<boolean>;
  create(credential: PatCredential): Promise<CreatedPat>;
  revoke(siteTokenId: string, credential: PatCredential): Promise<void>;
}

export function sitePats(site: SiteClient): SitePats {
  return {
    async enabled(credential) {
      return (await site.get(PATH, headersFor(credential))).status !== 404;
    },
    async create(credential) {
      let status = 0;
      for (const days of EXPIRY_DAYS) {
        const res = await site.send('POST', PATH, headersFor(credential), {
          name: SITE_PAT_NAME,
          expirationDuration: days,
        });
        status = res.status;
        const body = res.body as CreateAnswer | null;
        if (status === 201 && typeof body?.rawToken === 'string' && body.id !== undefined) {
          const expiring = typeof body.expiringAt === 'string' ? new Date(body.expiringAt) : null;
          return {
            id: String(body.id),
            rawToken: body.rawToken,
            expiresAt: expiring && !Number.isNaN(expiring.getTime()) ? expiring : null,
          };
        }
        // A 400 may be a site maximum below this duration: try the next shorter one.
        if (status !== 400) break;
      }
      throw new SitePatError(failureOf(status), status);
    },
    async revoke(siteTokenId, credential) {
      const res = await site.send(
        'DELETE',
        `${PATH}/${encodeURIComponent(siteTokenId)}`,
        headersFor(credential),
      );
      // Already gone is as good as deleted.
      if (res.status === 204 || res.status === 200 || res.status === 404) return;
      throw new SitePatError(failureOf(res.status), res.status);
    },
  };
}
