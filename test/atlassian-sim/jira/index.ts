import type Router from '@koa/router';
import type { RequestIdentity, Site } from '../site.ts';
import { registerJiraAdmin } from './admin.ts';
import { registerJiraIssueRest } from './issue-rest.ts';
import { seedIssues } from './issues.ts';
import { registerJiraPages } from './pages.ts';
import { registerJiraRest } from './rest.ts';

// Everything a simulated Jira serves, in one list.
export function registerJira(router: Router<RequestIdentity>, site: Site): void {
  const issues = seedIssues();
  registerJiraRest(router, site);
  registerJiraIssueRest(router, site, issues);
  registerJiraAdmin(router, site);
  registerJiraPages(router, site, issues);
}
