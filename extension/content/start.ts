// Starts the content features on a page: only on Jira or Confluence pages of a configured
// site. The menu item must be there when the person opens the menu, also on the first page
// after the browser starts, so nothing slow is awaited before the features run:
// - the site comes from the built-in list, the person's list and the last policy seen (all
//   fast); the policy itself (Chromium's first storage.managed.get() takes about 2.8 s) is only
//   awaited on a page none of those know;
// - the features run at once with the last answer `/me` gave for this site and user, and run
//   again, with the fresh answer, only if it changes which features apply.
import type { Me } from '../api-types.ts';
import { CompanionClient, CompanionError, type Transport } from '../companion-client.ts';
import { endpoints } from '../panels/endpoints.ts';
import { forgetLastKnownMe, readLastKnownMe, writeLastKnownMe } from '../storage/last-known.ts';
import { type Area, cachedPolicy, readAllSites, type SiteConfig, siteForPage } from '../storage/sites.ts';
import { type ContentContext, type Feature, type FeatureOutcome, runFeatures } from './feature.ts';
import { product, remoteUser } from './page-detect.ts';

/**
 * On <html>: `starting`, then `cached` once the features ran with the last known answer, and
 * `ready` once they agree with `/me`'s fresh answer (or `not-a-site`). It also stops a second
 * injection of the script running twice.
 */
export const READY_ATTRIBUTE = 'data-api-token-auth';

/** What start needs from the browser; tests pass in-memory areas and a fake transport. */
export interface StartEnv {
  doc: Document;
  pageUrl: string;
  builtinSites: string[];
  local: Area;
  managed: Area | undefined;
  transportFor(site: SiteConfig): Transport;
  now(): Date;
}

interface Answer {
  me: Me | null;
  meError: CompanionError | null;
}

async function findSite(env: StartEnv): Promise<SiteConfig | null> {
  const fast = await readAllSites(env.builtinSites, env.local, cachedPolicy(env.local));
  return (
    siteForPage(fast, env.pageUrl) ??
    siteForPage(await readAllSites(env.builtinSites, env.local, env.managed), env.pageUrl)
  );
}

async function askMe(client: CompanionClient, user: string | null): Promise<Answer> {
  if (!user) return { me: null, meError: null };
  try {
    return { me: await client.get<Me>(endpoints.me), meError: null };
  } catch (error) {
    console.warn('[api-token-auth] the companion did not say who you are:', error);
    const meError =
      error instanceof CompanionError ? error : new CompanionError(0, 'unreachable', String(error));
    return { me: null, meError };
  }
}

async function remember(env: StartEnv, site: SiteConfig, user: string | null, answer: Answer) {
  try {
    if (answer.me) await writeLastKnownMe(env.local, site.siteUrl, answer.me);
    else if (user && answer.meError?.status === 401) await forgetLastKnownMe(env.local, site.siteUrl, user);
  } catch (error) {
    console.warn('[api-token-auth] could not keep the last answer of /me:', error);
  }
}

/** Which features apply to a context: the features run again only when this changes. */
const included = (features: Feature[], ctx: ContentContext) => features.map((f) => f.include(ctx)).join();

export async function start(features: Feature[], env: StartEnv): Promise<FeatureOutcome[]> {
  const { doc } = env;
  const html = doc.documentElement;
  if (html.hasAttribute(READY_ATTRIBUTE)) return [];
  html.setAttribute(READY_ATTRIBUTE, 'starting');
  const which = product(doc);
  // Site pages that are not Jira or Confluence pages (attachments, JSON, plugin servlets) stop here.
  const site = which ? await findSite(env) : null;
  if (!which || !site) {
    html.setAttribute(READY_ATTRIBUTE, 'not-a-site');
    return [];
  }
  const client = new CompanionClient(env.transportFor(site));
  const user = remoteUser(doc);
  const asked = askMe(client, user);
  const base = { doc, product: which, siteUrl: site.siteUrl, client, local: env.local, now: env.now };
  const runWith = async (answer: Answer) => {
    const controller = new AbortController();
    const ctx: ContentContext = { ...base, ...answer, signal: controller.signal };
    return { ctx, controller, key: included(features, ctx), outcomes: await runFeatures(features, ctx) };
  };
  const cached = user ? await readLastKnownMe(env.local, site.siteUrl, user).catch(() => null) : null;
  let run = cached ? await runWith({ me: cached, meError: null }) : null;
  if (run) html.setAttribute(READY_ATTRIBUTE, 'cached');
  const answer = await asked;
  void remember(env, site, user, answer);
  if (run && run.key === included(features, { ...run.ctx, ...answer })) {
    // Same features: they keep running; what they read later (panels) is the fresh answer.
    Object.assign(run.ctx, answer);
  } else {
    run?.controller.abort();
    run = await runWith(answer);
  }
  html.setAttribute(READY_ATTRIBUTE, 'ready');
  return run.outcomes;
}
