// Adds one link item to an AUI dropdown list or navigation list, with the same markup as a
// plugin web-item (`<li><a id class title href>label</a></li>`) and the ARIA roles its
// neighbours carry (Jira 10 and Confluence 8 give `role="presentation"` / `role="menuitem"`).

export interface MenuItem {
  id: string;
  label: string;
  title: string;
  href: string;
  className?: string;
  /** The feature's signal: when the feature stops (a fresh `/me` says it does not apply), the item goes. */
  signal: AbortSignal;
}

/** Inserts the item unless an element with its id exists anywhere in the document; returns the link. */
export function addMenuItem(list: Element, item: MenuItem, before: Element | null = null): HTMLAnchorElement {
  const doc = list.ownerDocument;
  const existing = doc.getElementById(item.id);
  if (existing) return existing as HTMLAnchorElement;
  const neighbour = list.querySelector(':scope > li');
  const neighbourLink = neighbour?.querySelector(':scope > a');
  const li = doc.createElement('li');
  const liRole = neighbour?.getAttribute('role');
  if (liRole) li.setAttribute('role', liRole);
  const link = doc.createElement('a');
  link.id = item.id;
  link.className = item.className ?? '';
  link.title = item.title;
  link.href = item.href;
  link.textContent = item.label;
  const linkRole = neighbourLink?.getAttribute('role');
  if (linkRole) link.setAttribute('role', linkRole);
  li.append(link);
  list.insertBefore(li, before && before.parentElement === list ? before : null);
  item.signal.addEventListener('abort', () => removeMenuItem(doc, item.id), { once: true });
  return link;
}

/** Takes the item out again, its list item with it (found by id: the page may have moved it). */
function removeMenuItem(doc: Document, id: string): void {
  const link = doc.getElementById(id);
  (link?.parentElement?.tagName === 'LI' ? link.parentElement : link)?.remove();
}

/**
 * The URL of the token panel on the current page: same page, panel route in the hash. (The
 * admin route is only followed, for old links: administration links lead to the admin page.)
 */
export function panelHref(doc: Document): string {
  const url = new URL(doc.location?.href ?? doc.URL);
  url.hash = 'api-token-auth';
  return url.toString();
}
