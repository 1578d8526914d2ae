import type Router from '@koa/router';
import type { RequestIdentity, Site } from '../site.ts';

// Everything a simulated Confluence serves, in one list.
export function registerConfluence(_router: Router<RequestIdentity>, _site: Site): void {}
