import type { Middleware } from 'koa';
import { confluenceError } from './confluence/json.ts';
import { renderConfluencePage } from './confluence/layout.ts';
import { panel } from './html.ts';
import { jiraError } from './jira/json.ts';
import { renderJiraPage } from './jira/layout.ts';
import { originOf, type SimContext, type Site } from './site.ts';

// What a path the site does not know answers: Jersey's 404 in the product's error shape for REST, the product's
// "dead link" page for the browser. Runs after the router, which passes on unmatched requests.
export function notFound(site: Site): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    const c = ctx as SimContext;
    const message = `null for uri: ${originOf(c)}${c.originalUrl}`;
    ctx.status = 404;
    if (ctx.path.startsWith('/rest/')) {
      ctx.body = site.flavour.product === 'jira' ? jiraError(message) : confluenceError(404, message);
      return;
    }
    ctx.type = 'html';
    ctx.body =
      site.flavour.product === 'jira'
        ? renderJiraPage(c, site, {
            title: 'Oops, you\u2019ve found a dead link',
            pageType: 'error',
            content: panel(
              '<h1>Oops, you\u2019ve found a dead link.</h1><p>The page you requested does not exist.</p>',
            ),
          })
        : renderConfluencePage(c, site, {
            title: 'Page Not Found',
            bodyClass: 'error',
            content: panel('<h1>Page Not Found</h1><p>The page you were looking for could not be found.</p>'),
          });
    ctx.status = 404;
  };
}
