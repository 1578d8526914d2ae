import type { Context } from 'koa';
import type { CompanionDeps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { callerOf } from '../middleware/identify.ts';
import type { TokenRecord } from '../services/types.ts';
import type { ProvisionOutcome, SiteCredentialStatus } from '../site-credentials/site-credential-service.ts';

/*
 * Site-token mode needs the owner's own site session once, to create their site PAT: whenever a
 * route sees a caller by their session cookie (the panel's /me on every page load, token
 * creation), it hands the session to the site-credential service, which does nothing when every
 * token of the caller is already served.
 */

async function siteTokenMode(deps: CompanionDeps): Promise<boolean> {
  return (await deps.settings.get()).siteCredentialMode === 'site-token';
}

/**
 * Before a token is made with the owner's session in site-token mode: a site with personal access
 * tokens switched off could never be handed one, so the token would never work. Refused with a
 * clear 409 instead, before anything is stored.
 */
export async function assertSiteCanTakeTokens(deps: CompanionDeps, ctx: Context): Promise<void> {
  const session = await siteSession(deps, ctx);
  if (session === null || (await deps.siteCredentials.sitePatsEnabled(session))) return;
  throw new AppError(
    409,
    'site_tokens_disabled',
    'The site has personal access tokens switched off, so an API token could never reach it. An administrator can switch them on in the site, or set API Token Authentication to identity-header mode (for a site with a header authenticator).',
  );
}

/** The caller's site session, when site-token mode is on and the caller came with one. */
async function siteSession(deps: CompanionDeps, ctx: Context): Promise<{ cookie: string } | null> {
  const cookie = ctx.get('Cookie');
  if (callerOf(ctx).via !== 'session' || cookie === '' || !(await siteTokenMode(deps))) return null;
  return { cookie };
}

/**
 * Provisions the caller's site PAT with their session; null when there is nothing to do it
 * with, or when it failed (logged: a request is never failed for it).
 */
export async function provisionWithSession(
  deps: CompanionDeps,
  ctx: Context,
): Promise<ProvisionOutcome | null> {
  try {
    const session = await siteSession(deps, ctx);
    if (session === null) return null;
    const caller = callerOf(ctx);
    return await deps.siteCredentials.provision({ username: caller.username, key: caller.key }, session);
  } catch (err) {
    deps.logger.warn({ err }, 'could not provision the caller’s site credential');
    return null;
  }
}

/** The same, without making the caller wait (page loads). */
export function provisionInBackground(deps: CompanionDeps, ctx: Context): void {
  void provisionWithSession(deps, ctx);
}

/** How each token stands towards the site, in site-token mode; nothing in identity-header mode. */
export async function siteCredentialStatus(
  deps: CompanionDeps,
  tokens: readonly TokenRecord[],
): Promise<Map<string, SiteCredentialStatus> | undefined> {
  if (!(await siteTokenMode(deps))) return undefined;
  return deps.siteCredentials.statusOf(tokens.map((t) => t.id));
}
