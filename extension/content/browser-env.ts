// The browser side of `start`: the extension's storage areas, the built-in sites and the way
// to reach a site's companion (directly on the site's origin, else through the background).
import { send } from '../background/messages.ts';
import { sameOriginTransport, type Transport } from '../companion-client.ts';
import { browser, builtinSites } from '../platform.ts';
import type { SiteConfig } from '../storage/sites.ts';
import type { StartEnv } from './start.ts';

function transportFor(site: SiteConfig): Transport {
  if (new URL(site.companionUrl).origin === location.origin) return sameOriginTransport(site.companionUrl);
  return (request) => send(browser.runtime, 'companion.fetch', request);
}

export function browserEnv(): StartEnv {
  return {
    doc: document,
    pageUrl: location.href,
    builtinSites,
    local: browser.storage.local,
    managed: browser.storage.managed,
    transportFor,
    now: () => new Date(),
  };
}
