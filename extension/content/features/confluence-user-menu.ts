// Confluence: "API Token Authentication" in the user menu's user-preferences section.
import { t } from '../../i18n.ts';
import { defineFeature, offersTokenPanel } from '../feature.ts';
import { addMenuItem, panelHref } from '../menu-item.ts';
import { observe } from '../observe.ts';

export const CONFLUENCE_USER_ITEM_ID = 'api-token-auth-user-link';

export default defineFeature({
  name: 'confluence-user-menu',
  include: (ctx) => ctx.product === 'confluence' && offersTokenPanel(ctx),
  init({ doc, signal }) {
    observe(
      doc,
      '#user-menu-link-content ul#user-menu-link-user-preferences',
      (list) =>
        addMenuItem(list, {
          id: CONFLUENCE_USER_ITEM_ID,
          label: t('menuItem'),
          title: t('menuItemTitle'),
          href: panelHref(doc),
          // Confluence's own items all carry `user-item`; its styles and tests key on it.
          className: 'user-item',
          signal,
        }),
      { signal, feature: 'confluence-user-menu' },
    );
  },
});
