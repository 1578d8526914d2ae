// The administration page's URL: the site's own user administration page (Jira's User
// management → Users, Confluence's Users & Security → Users) with `?api-token-auth=<tab>`. The
// extension adds no server pages, so it takes over the content area of that one: the site
// guards it (admins only, WebSudo) and keeps the query through its WebSudo redirect, so a
// bookmark of a tab lands on that tab after the password prompt. Pure, tested on URLs.
import { type AdminTab, isAdminTab } from '../panels/admin-tabs.ts';
import { pageBelongsToSite } from '../storage/site-url.ts';
import type { Product } from './page-detect.ts';

const ADMIN_PAGE_PARAM = 'api-token-auth';

/** The product page whose content area the admin page takes, below the site's base URL. */
const ADMIN_HOST_PAGE: Record<Product, string> = {
  jira: '/secure/admin/user/UserBrowser.jspa',
  confluence: '/admin/users/browseusers.action',
};

export function adminPageUrl(siteUrl: string, product: Product, tab: AdminTab = 'settings'): string {
  const url = new URL(`${siteUrl}${ADMIN_HOST_PAGE[product]}`);
  url.searchParams.set(ADMIN_PAGE_PARAM, tab);
  return url.toString();
}

/** Whether a URL is the product page the admin page takes over, with or without a tab. */
export function isAdminHostPage(pageUrl: string, siteUrl: string, product: Product): boolean {
  return new URL(pageUrl).pathname === new URL(`${siteUrl}${ADMIN_HOST_PAGE[product]}`).pathname;
}

/** The tab a URL asks for, or null when it is not the admin page of this site. */
export function adminPageTab(pageUrl: string, siteUrl: string, product: Product): AdminTab | null {
  if (!pageBelongsToSite(pageUrl, siteUrl) || !isAdminHostPage(pageUrl, siteUrl, product)) return null;
  const tab = new URL(pageUrl).searchParams.get(ADMIN_PAGE_PARAM);
  return isAdminTab(tab) ? tab : null;
}

/** The same page on another tab (other query parameters and the hash kept). */
export function withTab(pageUrl: string, tab: AdminTab): string {
  const url = new URL(pageUrl);
  url.searchParams.set(ADMIN_PAGE_PARAM, tab);
  return url.toString();
}
