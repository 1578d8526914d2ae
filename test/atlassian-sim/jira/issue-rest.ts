import type Router from '@koa/router';
import { json } from '../rest-util.ts';
import type { RequestIdentity, SimContext, Site } from '../site.ts';
import { baseUrl } from '../site.ts';
import type { SimIssue } from './issues.ts';
import { jiraDate, jiraError, jiraUserSummary } from './json.ts';

// Ordinary Jira resources to call through a proxy: the issue answers carry `_sim` (who the site thought the
// caller was and how it authenticated them), so tests can see what reached the site.
function issueJson(ctx: SimContext, site: Site, issue: SimIssue) {
  const base = baseUrl(ctx, site);
  const person = (name: string | null) => {
    const user = site.state.directory.get(name);
    return user ? jiraUserSummary(base, user) : null;
  };
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${base}/rest/api/2/issue/${issue.id}`,
    key: issue.key,
    fields: {
      summary: issue.summary,
      description: issue.description,
      status: { self: `${base}/rest/api/2/status/10000`, name: issue.status, id: '10000' },
      project: { self: `${base}/rest/api/2/project/10000`, id: '10000', key: 'DEMO', name: 'Demo' },
      assignee: person(issue.assignee),
      reporter: person(issue.reporter),
      comment: {
        comments: issue.comments,
        maxResults: issue.comments.length,
        total: issue.comments.length,
        startAt: 0,
      },
    },
    _sim: { user: ctx.state.user?.name ?? null, authMethod: ctx.state.authMethod },
  };
}

export function registerJiraIssueRest(
  router: Router<RequestIdentity>,
  site: Site,
  issues: Map<string, SimIssue>,
): void {
  const findIssue = (ctx: SimContext): SimIssue | null => {
    if (!ctx.state.user) {
      json(
        ctx,
        401,
        jiraError('You do not have the permission to see the specified issue.', 'Login Required'),
      );
      return null;
    }
    const key = String(ctx.params.key).toUpperCase();
    const issue = issues.get(key) ?? [...issues.values()].find((i) => i.id === key);
    if (!issue) json(ctx, 404, jiraError('Issue Does Not Exist'));
    return issue ?? null;
  };
  const edit = (ctx: SimContext, issue: SimIssue) => {
    const fields = ((ctx.request.body ?? {}) as { fields?: { summary?: unknown } }).fields;
    if (typeof fields?.summary === 'string') issue.summary = fields.summary;
  };
  router.get('/rest/api/2/issue/:key', (ctx) => {
    const issue = findIssue(ctx);
    if (issue) json(ctx, 200, issueJson(ctx, site, issue));
  });
  // Jira edits with PUT (204); the simulator also accepts POST and answers with the issue, so write calls can
  // report who made them.
  router.post('/rest/api/2/issue/:key', (ctx) => {
    const issue = findIssue(ctx);
    if (!issue) return;
    edit(ctx, issue);
    json(ctx, 200, issueJson(ctx, site, issue));
  });
  router.put('/rest/api/2/issue/:key', (ctx) => {
    const issue = findIssue(ctx);
    if (!issue) return;
    edit(ctx, issue);
    ctx.status = 204;
  });
  router.post('/rest/api/2/issue/:key/comment', (ctx) => {
    const issue = findIssue(ctx);
    if (!issue || !ctx.state.user) return;
    const body = ((ctx.request.body ?? {}) as { body?: unknown }).body;
    if (typeof body !== 'string' || !body)
      return json(ctx, 400, { errorMessages: [], errors: { comment: 'Comment body can not be empty!' } });
    const comment = {
      id: String(10000 + issue.comments.length),
      author: ctx.state.user.name,
      body,
      created: jiraDate(new Date()),
    };
    issue.comments.push(comment);
    json(ctx, 201, { ...comment, _sim: { user: ctx.state.user.name, authMethod: ctx.state.authMethod } });
  });
}
