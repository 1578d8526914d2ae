// The administration page: on the site's user administration page with `?api-token-auth=<tab>`
// (the admin link's target), our System-Wide Settings, Permissions, Token Manager and Audit Log
// take the page's content area. The site itself lets only administrators past WebSudo there.
import { mountAdminPage } from '../../panels/admin-page.tsx';
import { isAdminHostPage } from '../admin-page-url.ts';
import { defineFeature } from '../feature.ts';

export default defineFeature({
  name: 'admin-page',
  // Any tab or none: Back from a tab to the bare page must put the site's page back.
  include: ({ doc, siteUrl, product }) => isAdminHostPage(doc.URL, siteUrl, product),
  init: mountAdminPage,
});
