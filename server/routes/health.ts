import type Router from '@koa/router';
import type { z } from 'zod';
import type { Health } from '../../shared/api.ts';
import { companionRouter, type RouteDeps } from './deps.ts';

async function check(run: () => Promise<void>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (err) {
    return (err as Error).message || 'failed';
  }
}

// /healthz: the process answers. /readyz: the database and the site both answer (503 otherwise),
// so a load balancer stops sending traffic a request could not be served with.
export function healthRouter(deps: RouteDeps): Router {
  return companionRouter(deps.config.basePath)
    .get('/healthz', (ctx) => {
      const body: z.infer<typeof Health> = { status: 'ok' };
      ctx.body = body;
    })
    .get('/readyz', async (ctx) => {
      const [database, site] = await Promise.all([
        check(deps.checkDatabase),
        check(() => deps.directory.ping()),
      ]);
      const ready = database === 'ok' && site === 'ok';
      const body: z.infer<typeof Health> = {
        status: ready ? 'ok' : 'unavailable',
        checks: { database, site },
      };
      ctx.status = ready ? 200 : 503;
      ctx.body = body;
    });
}
