// The background: registers the content script for configured sites and answers the typed
// messages of content scripts and the options page, checking who sent each one.
import type { Runtime } from 'webextension-polyfill';
import { browser, builtinSites } from '../platform.ts';
import { policyWithCache, readAllSites } from '../storage/sites.ts';
import { companionTarget } from './companion-proxy.ts';
import { syncContentScripts } from './content-scripts.ts';
import {
  type CompanionRequest,
  type CompanionResponse,
  isEnvelope,
  type MessageType,
  type Reply,
} from './messages.ts';

// Every read of the policy refreshes the copy content scripts start from (see cachedPolicy).
const sites = () =>
  readAllSites(
    builtinSites,
    browser.storage.local,
    policyWithCache(browser.storage.managed, browser.storage.local),
  );

let syncing: Promise<string[]> = Promise.resolve([]);
function resync(): Promise<string[]> {
  // Serialised: two overlapping unregister/register rounds would fail with a duplicate id.
  syncing = syncing.catch(() => []).then(async () => syncContentScripts(await sites()));
  return syncing;
}

async function companionFetch(
  sender: Runtime.MessageSender,
  request: CompanionRequest,
): Promise<CompanionResponse> {
  const target = companionTarget(await sites(), sender.tab?.url, request);
  if ('refused' in target) throw new Error(target.refused);
  const response = await fetch(target.url, {
    method: request.method,
    credentials: 'include',
    headers: request.body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

function fromOwnExtensionPage(sender: Runtime.MessageSender): boolean {
  return !sender.tab && typeof sender.url === 'string' && sender.url.startsWith(browser.runtime.getURL(''));
}

async function handle(message: unknown, sender: Runtime.MessageSender): Promise<Reply<MessageType>> {
  if (sender.id !== browser.runtime.id || !isEnvelope(message))
    return { ok: false, error: 'Unknown sender or message' };
  try {
    if (message.type === 'companion.fetch') {
      return { ok: true, value: await companionFetch(sender, message.payload as CompanionRequest) };
    }
    if (!fromOwnExtensionPage(sender)) return { ok: false, error: 'Only the options page may change sites' };
    return { ok: true, value: { registered: await resync() } };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) =>
  handle(message, sender),
);
browser.runtime.onInstalled.addListener(() => void resync());
browser.runtime.onStartup.addListener(() => void resync());
browser.permissions.onAdded.addListener(() => void resync());
browser.permissions.onRemoved.addListener(() => void resync());
browser.storage.onChanged.addListener((_changes, area) => {
  if (area === 'managed') void resync();
});
