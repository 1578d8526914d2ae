// Jira: "API Token Authentication" in the user menu's `personal` section (web-item location
// `system.user.options/personal`), for people who may use or create tokens (see offersTokenPanel).
import { t } from '../../i18n.ts';
import { defineFeature, offersTokenPanel } from '../feature.ts';
import { addMenuItem, panelHref } from '../menu-item.ts';
import { observe } from '../observe.ts';

export const JIRA_USER_ITEM_ID = 'api-token-auth-user-link';

export default defineFeature({
  name: 'jira-user-menu',
  include: (ctx) => ctx.product === 'jira' && offersTokenPanel(ctx),
  init({ doc, signal }) {
    observe(
      doc,
      '#user-options-content ul#personal',
      (list) =>
        addMenuItem(list, {
          id: JIRA_USER_ITEM_ID,
          label: t('menuItem'),
          title: t('menuItemTitle'),
          href: panelHref(doc),
          signal,
        }),
      { signal, feature: 'jira-user-menu' },
    );
  },
});
