// The selector observer: calls back for every element matching a selector, now and after
// every change of the page, so callbacks must be idempotent (they are: they look for their
// own element first). AUI 8 moves an open dropdown to <body> and back, and pages re-render menus.
// It never polls: a MutationObserver plus AUI's native `aui-layer-show` event, which bubbles
// from an opening dropdown (the jQuery `aui-dropdown2-show` event is invisible to the isolated
// world of a content script, the native layer event is not).

export interface ObserveOptions {
  signal: AbortSignal;
  /** Named in the report when nothing matches on a fully loaded page. */
  feature: string;
}

export function observe(
  doc: Document,
  selector: string,
  callback: (element: Element) => void,
  { signal, feature }: ObserveOptions,
): void {
  const scan = () => {
    for (const element of doc.querySelectorAll(selector)) callback(element);
  };
  scan();
  const observer = new MutationObserver(scan);
  observer.observe(doc.documentElement, { childList: true, subtree: true });
  doc.addEventListener('aui-layer-show', scan, { signal, capture: true });
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
  reportIfMissing(doc, selector, feature, signal);
}

/** A selector that never matches is reported, not silently ignored (once the page has loaded). */
function reportIfMissing(doc: Document, selector: string, feature: string, signal: AbortSignal): void {
  const report = () => {
    if (!signal.aborted && !doc.querySelector(selector)) {
      console.debug(`[api-token-auth:${feature}] "${selector}" is not on this page (yet); still watching`);
    }
  };
  if (doc.readyState === 'complete') report();
  else doc.defaultView?.addEventListener('load', report, { once: true, signal });
}
