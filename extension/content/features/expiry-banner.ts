// A reminder on any page of the site when one of the person's tokens expires within 7 days or
// expired within the last 7: an AUI banner at the top of the header (in the page, not in a
// shadow root, so it takes the site's own AUI banner style, as the menu item takes the menu's),
// linking to the token panel, dismissible per token and phase.
import type { Token } from '../../api-types.ts';
import { t } from '../../i18n.ts';
import { endpoints } from '../../panels/endpoints.ts';
import { relativeTime } from '../../panels/format.ts';
import { dismiss, notDismissed } from '../../storage/dismissed-reminders.ts';
import { type ContentContext, defineFeature } from '../feature.ts';
import { panelHref } from '../menu-item.ts';
import { isLoggedIn } from '../page-detect.ts';
import { tokensToRemind } from '../reminders.ts';

export const REMINDERS_ID = 'api-token-auth-reminders';
/** More than this many at once would push the page down; the panel lists them all. */
const MAX_BANNERS = 3;

function banner(ctx: ContentContext, token: Token, phase: 'expiring' | 'expired'): HTMLElement {
  const { doc } = ctx;
  const when = relativeTime(token.expiresAt ?? '', ctx.now());
  const box = doc.createElement('div');
  box.className = 'aui-banner aui-banner-error';
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', t('reminderRegion'));
  box.dataset.tokenId = token.id;
  const text = doc.createElement('span');
  text.textContent = `${t(phase === 'expiring' ? 'reminderExpiring' : 'reminderExpired', token.name, when)} `;
  const link = doc.createElement('a');
  link.href = panelHref(doc);
  link.textContent = t('reminderLink');
  const close = doc.createElement('button');
  close.type = 'button';
  close.className = 'aui-button aui-button-link';
  close.setAttribute('aria-label', t('reminderDismiss', token.name));
  close.textContent = '×';
  close.addEventListener('click', () => {
    box.remove();
    void dismiss(ctx.local, ctx.siteUrl, token.id, phase, ctx.now().getTime());
  });
  box.append(text, link, ' ', close);
  return box;
}

export default defineFeature({
  name: 'expiry-banner',
  include: ({ doc, me }) => isLoggedIn(doc) && me !== null && (me.permissions.useTokens || me.isAdmin),
  async init(ctx) {
    const { doc, signal } = ctx;
    const tokens = await ctx.client.get<Token[]>(endpoints.tokens);
    const now = ctx.now();
    const due = await notDismissed(ctx.local, ctx.siteUrl, tokensToRemind(tokens, now), now.getTime());
    if (signal.aborted || due.length === 0) return;
    doc.getElementById(REMINDERS_ID)?.remove();
    const container = doc.createElement('div');
    container.id = REMINDERS_ID;
    container.append(...due.slice(0, MAX_BANNERS).map(({ token, phase }) => banner(ctx, token, phase)));
    const header = doc.getElementById('header');
    if (header) header.prepend(container);
    else doc.body.prepend(container);
    signal.addEventListener('abort', () => container.remove(), { once: true });
  },
});
