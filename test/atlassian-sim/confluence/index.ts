import type Router from '@koa/router';
import type { RequestIdentity, Site } from '../site.ts';
import { registerConfluenceAdmin } from './admin.ts';
import { seedPages } from './content.ts';
import { registerConfluencePages } from './pages.ts';
import { registerConfluenceRest } from './rest.ts';

// Everything a simulated Confluence serves, in one list.
export function registerConfluence(router: Router<RequestIdentity>, site: Site): void {
  const pages = seedPages();
  registerConfluenceRest(router, site, pages);
  registerConfluenceAdmin(router, site);
  registerConfluencePages(router, site, pages);
}
