import type Router from '@koa/router';
import { json } from './rest-util.ts';
import { baseUrl, type RequestIdentity, type Site } from './site.ts';

// The application links manifest both products serve anonymously (`/rest/applinks/1.0/manifest`): where
// Confluence says which version it is (Jira also has /rest/api/2/serverInfo). JSON when asked for it.
export function registerApplinksRest(router: Router<RequestIdentity>, site: Site): void {
  router.get('/rest/applinks/1.0/manifest', (ctx) => {
    const f = site.flavour;
    json(ctx, 200, {
      id: `${f.product}-${site.secret.slice(0, 8)}`,
      name: f.product === 'jira' ? 'Jira' : 'Confluence',
      typeId: f.product,
      version: f.version,
      buildNumber: Number(f.buildNumber),
      applinksVersion: '9.0.12',
      publicSignup: false,
      url: baseUrl(ctx, site),
    });
  });
}
