// Starts the content features on a page: only on Jira or Confluence pages of a configured
// site; asks the companion who the person is, then runs every feature with that context.

import type { Me } from '../api-types.ts';
import { send } from '../background/messages.ts';
import {
  CompanionClient,
  type CompanionError,
  sameOriginTransport,
  type Transport,
} from '../companion-client.ts';
import { endpoints } from '../panels/endpoints.ts';
import { browser, builtinSites } from '../platform.ts';
import { readAllSites, siteForPage } from '../storage/sites.ts';
import { type Feature, type FeatureOutcome, runFeatures } from './feature.ts';
import { isLoggedIn, product } from './page-detect.ts';

/** Set on <html> once the features ran; also stops a second injection of the script running twice. */
export const READY_ATTRIBUTE = 'data-api-token-auth';

function transportFor(companionUrl: string): Transport {
  if (new URL(companionUrl).origin === location.origin) return sameOriginTransport(companionUrl);
  return (request) => send(browser.runtime, 'companion.fetch', request);
}

export async function start(features: Feature[]): Promise<FeatureOutcome[]> {
  const doc = document;
  const html = doc.documentElement;
  if (html.hasAttribute(READY_ATTRIBUTE)) return [];
  html.setAttribute(READY_ATTRIBUTE, 'starting');
  const which = product(doc);
  // Site pages that are not Jira or Confluence pages (attachments, JSON, plugin servlets) stop here.
  const site = which
    ? siteForPage(
        await readAllSites(builtinSites, browser.storage.local, browser.storage.managed),
        location.href,
      )
    : null;
  if (!which || !site) {
    html.setAttribute(READY_ATTRIBUTE, 'not-a-site');
    return [];
  }
  const client = new CompanionClient(transportFor(site.companionUrl));
  let me: Me | null = null;
  let meError: CompanionError | null = null;
  if (isLoggedIn(doc)) {
    try {
      me = await client.get<Me>(endpoints.me);
    } catch (error) {
      meError = error as CompanionError;
      console.warn('[api-token-auth] the companion did not say who you are:', error);
    }
  }
  const signal = new AbortController().signal;
  const outcomes = await runFeatures(features, {
    doc,
    product: which,
    siteUrl: site.siteUrl,
    client,
    me,
    meError,
    signal,
  });
  html.setAttribute(READY_ATTRIBUTE, 'ready');
  return outcomes;
}
