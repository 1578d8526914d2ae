// Starts the content features on a page: only on Jira or Confluence pages of a configured
// site. The menu item must be there when the person opens the menu, also on the first page
// after the browser starts, so nothing slow is awaited before the features run:
// - the site comes from the built-in list, the person's list and the last policy seen (all
//   fast); the policy itself (Chromium's first storage.managed.get() takes about 2.8 s) is only
//   awaited on a page none of those know;
// - the features run at once with the last answer `/me` gave for this site and user (or, with
//   none, as if the companion could not answer yet), and the fresh answer then starts or stops
//   only the features whose applying it changes.
import type { Me } from '../api-types.ts';
import { CompanionClient, CompanionError, type Transport } from '../companion-client.ts';
import { endpoints } from '../panels/endpoints.ts';
import { forgetLastKnownMe, readLastKnownMe, writeLastKnownMe } from '../storage/last-known.ts';
import { type Area, cachedPolicy, readAllSites, type SiteConfig, siteForPage } from '../storage/sites.ts';
import { type ContentContext, type Feature, type FeatureOutcome, runFeatures } from './feature.ts';
import { product, remoteUser } from './page-detect.ts';

/**
 * On <html>: `starting`, then `cached` once the features ran with the last known answer (or
 * `provisional` without one), and `ready` once they agree with `/me`'s fresh answer (or
 * `not-a-site`). It also stops a second injection of the script running twice.
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

/** Before `/me` answers, for a logged-in person with no last known answer: see offersTokenPanel. */
const PENDING = (): CompanionError =>
  new CompanionError(0, 'pending', 'The API Token Authentication server has not answered yet');

function wants(feature: Feature, ctx: ContentContext): boolean {
  try {
    return feature.include(ctx);
  } catch (error) {
    console.error(`[api-token-auth:${feature.name}]`, error);
    return false;
  }
}

/**
 * Runs each feature while it applies: a new answer starts the features it newly includes, stops
 * (aborts) the ones it no longer does, and hands itself to the others, which keep running (an
 * open panel is not torn down because `/me` answered).
 */
function featureRunner(features: Feature[], base: Omit<ContentContext, 'me' | 'meError' | 'signal'>) {
  const running = new Map<Feature, { ctx: ContentContext; controller: AbortController }>();
  const outcomes = new Map<Feature, FeatureOutcome>();
  return {
    async apply(answer: Answer): Promise<FeatureOutcome[]> {
      const started: Promise<void>[] = [];
      for (const feature of features) {
        const current = running.get(feature);
        const controller = current?.controller ?? new AbortController();
        const ctx: ContentContext = { ...base, ...answer, signal: controller.signal };
        const wanted = wants(feature, ctx);
        if (current && wanted) Object.assign(current.ctx, answer);
        else if (current) {
          current.controller.abort();
          running.delete(feature);
          outcomes.set(feature, { name: feature.name, state: 'skipped' });
        } else if (wanted) {
          running.set(feature, { ctx, controller });
          started.push(
            runFeatures([feature], ctx).then(([outcome]) => {
              if (outcome) outcomes.set(feature, outcome);
            }),
          );
        } else outcomes.set(feature, { name: feature.name, state: 'skipped' });
      }
      await Promise.all(started);
      return features.map((f) => outcomes.get(f) ?? { name: f.name, state: 'skipped' });
    },
  };
}

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
  const runner = featureRunner(features, {
    doc,
    product: which,
    siteUrl: site.siteUrl,
    client,
    local: env.local,
    now: env.now,
  });
  if (user) {
    const cached = await readLastKnownMe(env.local, site.siteUrl, user).catch(() => null);
    // No last answer (a fresh profile): the menu item as for a companion that cannot answer yet,
    // taken away again if `/me` says it does not apply.
    await runner.apply(cached ? { me: cached, meError: null } : { me: null, meError: PENDING() });
    html.setAttribute(READY_ATTRIBUTE, cached ? 'cached' : 'provisional');
  }
  const answer = await asked;
  void remember(env, site, user, answer);
  const outcomes = await runner.apply(answer);
  html.setAttribute(READY_ATTRIBUTE, 'ready');
  return outcomes;
}
