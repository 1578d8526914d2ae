// Mounts a panel in a shadow root on <body> (see shadow-host.ts).
import { render } from 'preact';
import type { ContentContext } from '../content/feature.ts';
import { isLoggedIn, userMenuTrigger } from '../content/page-detect.ts';
import { PanelApp, type PanelRoute } from './app.tsx';
import { shadowHost } from './shadow-host.ts';

export const PANEL_HOST_ID = 'api-token-auth-panel';

export function mountPanel(
  ctx: ContentContext,
  route: PanelRoute,
  onClose: () => void,
  toAdminPage: () => void,
): () => void {
  const { doc } = ctx;
  doc.getElementById(PANEL_HOST_ID)?.remove();
  const { host, root } = shadowHost(doc, PANEL_HOST_ID);
  // Typing in the panel's fields stays in the panel: the site's keyboard shortcuts (Jira's "c"
  // for Create, "/" for search) listen on the document, where the event seems to come from the
  // host <div> rather than from a text field, and would fire while someone types a token name.
  for (const type of ['keydown', 'keypress', 'keyup']) {
    host.addEventListener(type, (event) => {
      const inner = event.composedPath()[0] as Element | undefined;
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(inner?.tagName ?? '')) event.stopPropagation();
    });
  }
  doc.body.append(host);
  render(
    <PanelApp
      route={route}
      ctx={ctx}
      loggedIn={isLoggedIn(doc)}
      onClose={onClose}
      toAdminPage={toAdminPage}
      returnFocus={() => userMenuTrigger(doc, ctx.product)}
    />,
    root,
  );
  return () => {
    render(null, root);
    host.remove();
  };
}
