// Panels reachable by URL on any site page: `#api-token-auth`, and `#api-token-auth/admin`, which
// sends administrators to the admin page. Opening one without the permission shows the info box;
// closing it removes the hash.

import type { PanelRoute } from '../../panels/app.tsx';
import { mountPanel } from '../../panels/mount.tsx';
import { adminPageUrl } from '../admin-page-url.ts';
import { defineFeature } from '../feature.ts';

export function routeOf(hash: string): PanelRoute | null {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '');
  if (path === 'api-token-auth') return 'user';
  if (path === 'api-token-auth/admin') return 'admin';
  return null;
}

export default defineFeature({
  name: 'panel-router',
  include: () => true,
  init(ctx) {
    const win = ctx.doc.defaultView;
    if (!win) return;
    let unmount: (() => void) | null = null;
    let shown: PanelRoute | null = null;
    const close = () => {
      // Dropping the hash without a new history entry, so Back does not reopen the panel.
      win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search);
      sync();
    };
    const sync = () => {
      const route = routeOf(win.location.hash);
      if (route === shown) return;
      unmount?.();
      unmount = null;
      shown = route;
      // Administration is a page of the site now: old links and bookmarks of the dialog lead
      // administrators there, as soon as the panel knows they are one.
      const toAdminPage = () => win.location.replace(adminPageUrl(ctx.siteUrl, ctx.product));
      if (route) unmount = mountPanel(ctx, route, close, toAdminPage);
    };
    win.addEventListener('hashchange', sync, { signal: ctx.signal });
    ctx.signal.addEventListener('abort', () => unmount?.(), { once: true });
    sync();
  },
});
