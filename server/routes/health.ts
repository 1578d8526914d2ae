import type { Logger } from 'pino';
import { Health } from '../../shared/api.ts';
import { type Route, route } from './table.ts';

type Status = 'ok' | 'unavailable';

// The probe is public: a failure's message can name the site's internal URL or carry a driver
// error, so it goes to the log and the answer says only which check failed.
async function check(name: string, run: () => Promise<void>, logger: Logger): Promise<Status> {
  try {
    await run();
    return 'ok';
  } catch (err) {
    logger.warn({ err, check: name }, `readiness check failed: ${name}`);
    return 'unavailable';
  }
}

// /healthz: the process answers. /readyz: the database and the site both answer (503 otherwise),
// so a load balancer stops sending traffic a request could not be served with.
export const healthRoutes: Route[] = [
  route({
    method: 'get',
    path: '/healthz',
    guard: 'public',
    tag: 'Health',
    summary: 'The process is up',
    output: { status: 200, schema: Health, description: 'Up' },
    handler: () => ({ status: 'ok' as const }),
  }),
  route({
    method: 'get',
    path: '/readyz',
    guard: 'public',
    tag: 'Health',
    summary: 'The database and the site are reachable (503 otherwise); why not is logged',
    output: { status: 200, schema: Health, description: 'Ready (503 with the same shape when not)' },
    async handler({ deps, ctx }) {
      const logger = (ctx.state.logger as Logger | undefined) ?? deps.logger;
      const [database, site] = await Promise.all([
        check('database', deps.checkDatabase, logger),
        check('site', () => deps.directory.ping(), logger),
      ]);
      const ready = database === 'ok' && site === 'ok';
      // Answered, not thrown, so the 503 keeps this body rather than the error shape.
      if (!ready) ctx.status = 503;
      // Reported, not counted against readiness: deaf, the companion still answers right, only
      // with more database reads (server/cluster/relay.ts); the reason is logged when it is lost.
      const notifications: Status | undefined =
        deps.cluster && (deps.cluster.listening ? 'ok' : 'unavailable');
      return {
        status: ready ? 'ok' : 'unavailable',
        checks: { database, site, ...(notifications ? { notifications } : {}) },
      } as const;
    },
  }),
];
