// The administration as a page of the site: it takes the content area of the user
// administration page (see content/admin-page-url.ts), in a shadow root like the panels, with
// the page title, our sidebar item selected and one history entry per tab, so Back goes to the
// previous tab and finally to the site's own page, which is put back as it was.
import { render } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { adminPageTab, withTab } from '../content/admin-page-url.ts';
import type { ContentContext } from '../content/feature.ts';
import { ADMIN_LINK_ID } from '../content/features/admin-links.ts';
import { isLoggedIn } from '../content/page-detect.ts';
import { t } from '../i18n.ts';
import { AdminPanel } from './admin-panel.tsx';
import type { AdminTab } from './admin-tabs.ts';
import { InfoBox } from './info-box.tsx';
import { usePerson } from './person.ts';
import { shadowHost } from './shadow-host.ts';

export const ADMIN_PAGE_HOST_ID = 'api-token-auth-admin-page';
/** The content area of an AUI admin page (Jira's and Confluence's alike). */
export const CONTENT_AREA = '.aui-page-panel .aui-page-panel-content';
const TAB_EVENT = 'api-token-auth:admin-tab';

function AdminPage({
  ctx,
  initialTab,
  loggedIn,
}: {
  ctx: ContentContext;
  initialTab: AdminTab;
  loggedIn: boolean;
}) {
  const { me, meError, refreshMe } = usePerson(ctx, loggedIn);
  const [tab, setTab] = useState(initialTab);
  const win = ctx.doc.defaultView;
  // A layout effect: listening from the first render on, before anyone can press Back.
  useLayoutEffect(() => {
    // Back and Forward between tabs: the URL says which one is shown (see mountAdminPage).
    const onTab = (event: Event) => setTab((event as CustomEvent<AdminTab>).detail);
    win?.addEventListener(TAB_EVENT, onTab);
    return () => win?.removeEventListener(TAB_EVENT, onTab);
  }, [win]);
  const choose = (next: AdminTab) => {
    if (next === tab || !win) return;
    win.history.pushState(null, '', withTab(win.location.href, next));
    setTab(next);
  };
  return (
    <section class="ata-admin-page" aria-labelledby="ata-admin-page-title">
      <h2 id="ata-admin-page-title">{t('adminTitle')}</h2>
      {me?.isAdmin ? (
        <AdminPanel
          me={me}
          client={ctx.client}
          site={{ siteUrl: ctx.siteUrl, product: ctx.product }}
          onSaved={refreshMe}
          tab={tab}
          onTab={choose}
        />
      ) : (
        <InfoBox route="admin" me={me} meError={meError} loggedIn={loggedIn} />
      )}
    </section>
  );
}

/** Shows the admin page in place of the content area; returns how to put the site's page back. */
function takeOver(ctx: ContentContext, tab: AdminTab): () => void {
  const { doc } = ctx;
  const area = doc.querySelector(CONTENT_AREA);
  if (!area)
    throw new Error(`the admin page needs the content area "${CONTENT_AREA}", which this page lacks`);
  const hidden = [...area.children].filter((child): child is HTMLElement => !(child as HTMLElement).hidden);
  for (const child of hidden) child.hidden = true;
  const { host, root } = shadowHost(doc, ADMIN_PAGE_HOST_ID);
  area.append(host);
  // The sidebar shows where the person is: our item, not the page we borrowed.
  const ours = doc.getElementById(ADMIN_LINK_ID)?.closest('li') ?? null;
  const nav = ours?.closest('.aui-navgroup-vertical');
  const selected = ours ? [...(nav?.querySelectorAll('li.aui-nav-selected') ?? [])] : [];
  for (const li of selected) li.classList.remove('aui-nav-selected');
  ours?.classList.add('aui-nav-selected');
  ours?.querySelector('a')?.setAttribute('aria-current', 'page');
  const title = doc.title;
  const suffix = title.includes(' - ') ? title.slice(title.lastIndexOf(' - ')) : '';
  doc.title = `${t('adminTitle')}${suffix}`;
  render(<AdminPage ctx={ctx} initialTab={tab} loggedIn={isLoggedIn(doc)} />, root);
  return () => {
    render(null, root);
    host.remove();
    for (const child of hidden) child.hidden = false;
    ours?.classList.remove('aui-nav-selected');
    ours?.querySelector('a')?.removeAttribute('aria-current');
    for (const li of selected) li.classList.add('aui-nav-selected');
    doc.title = title;
  };
}

/** Keeps the page in step with the URL: our page on `?api-token-auth=<tab>`, the site's otherwise. */
export function mountAdminPage(ctx: ContentContext): void {
  const win = ctx.doc.defaultView;
  if (!win) return;
  let restore: (() => void) | null = null;
  const sync = () => {
    const tab = adminPageTab(win.location.href, ctx.siteUrl, ctx.product);
    if (tab && restore) win.dispatchEvent(new CustomEvent(TAB_EVENT, { detail: tab }));
    else if (tab) restore = takeOver(ctx, tab);
    else {
      restore?.();
      restore = null;
    }
  };
  win.addEventListener('popstate', sync, { signal: ctx.signal });
  ctx.signal.addEventListener('abort', () => restore?.(), { once: true });
  sync();
}
