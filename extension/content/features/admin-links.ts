// Administrators find the admin page where the product's admin guide puts it: Jira's User
// management sidebar (next to Users and Groups) and Confluence's Users & Security section
// (next to the user browser). Both lists are found structurally, through a link we know.
import { t } from '../../i18n.ts';
import { adminPageUrl } from '../admin-page-url.ts';
import { defineFeature } from '../feature.ts';
import { addMenuItem } from '../menu-item.ts';
import { observe } from '../observe.ts';

export const ADMIN_LINK_ID = 'api-token-auth-admin-link';

// Only the vertical admin sidebar: Confluence's header cog menu links to the user browser too.
const ANCHORS = {
  jira: '.aui-navgroup-vertical ul.aui-nav a#user_browser',
  confluence: '.aui-navgroup-vertical ul.aui-nav a[href*="/admin/users/browseusers.action"]',
};

export default defineFeature({
  name: 'admin-links',
  include: ({ me }) => me?.isAdmin === true,
  init({ doc, product, siteUrl, signal }) {
    observe(
      doc,
      ANCHORS[product],
      (anchor) => {
        const list = anchor.closest('ul');
        if (!list) return;
        addMenuItem(list, {
          id: ADMIN_LINK_ID,
          label: t('menuItem'),
          title: t('adminLinkTitle'),
          href: adminPageUrl(siteUrl, product),
          signal,
        });
      },
      { signal, feature: 'admin-links' },
    );
  },
});
