import { Writable } from 'node:stream';
import Koa from 'koa';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorHandler } from '../../../server/errors.ts';
import { createLogger } from '../../../server/logger.ts';
import { BODY_LIMIT, jsonBody } from '../../../server/middleware/json-body.ts';
import type { RouteDeps } from '../../../server/routes/deps.ts';
import { buildRouter } from '../../../server/routes/router.ts';
import { type Route, route } from '../../../server/routes/table.ts';

// What the router generated from a table does with each entry, on a table of its own.
const Answer = z.object({ id: z.string(), name: z.string() });

function appFor(routes: Route[]) {
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  // The management guard: the real JSON body check, and a stand-in for identify marking the caller.
  const deps = {
    config: { basePath: '/base', validateSecret: undefined },
    logger,
    managementGuard: [
      jsonBody({ limit: BODY_LIMIT }),
      async (ctx: Koa.Context, next: Koa.Next) => {
        ctx.state.caller = { isAdmin: ctx.get('X-Test-Admin') === 'yes' };
        await next();
      },
    ],
  } as unknown as RouteDeps;
  const app = new Koa();
  app.use(errorHandler({ logger }));
  app.use(buildRouter(routes, deps, { openapi: '3.1.0' }).routes());
  return { http: supertest(app.callback()), logs };
}

const base = { tag: 'Me', summary: 's' } as const;

describe('the router generated from the route table', () => {
  it('sends only what the output schema names, with its status', async () => {
    const { http } = appFor([
      route({
        ...base,
        method: 'post',
        path: '/things/{id}',
        guard: 'user',
        input: { params: z.strictObject({ id: z.string() }), body: z.strictObject({ name: z.string() }) },
        output: { status: 201, schema: Answer, description: 'made' },
        handler: ({ params, body }) => ({ id: params.id, name: body.name, secretHash: 'never sent' }),
      }),
    ]);
    const res = await http.post('/base/things/7').send({ name: 'x' }).expect(201);
    expect(res.body).toEqual({ id: '7', name: 'x' });
    await http.post('/base/things/7').send({ name: 'x', extra: 1 }).expect(400);
    await http.post('/base/Things/7').send({ name: 'x' }).expect(404);
  });

  it('answers 500 and logs, sending nothing of it, when a handler breaks its own schema', async () => {
    const { http, logs } = appFor([
      route({
        ...base,
        method: 'get',
        path: '/broken',
        guard: 'public',
        output: { status: 200, schema: Answer, description: 'x' },
        handler: () => ({ id: 'leaked-value', name: 42 as unknown as string }),
      }),
    ]);
    const res = await http.get('/base/broken').expect(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'Internal server error.' } });
    expect(res.text).not.toContain('leaked-value');
    expect(logs.join('')).toContain('response does not match its schema');
  });

  it('runs each guard only for its own routes: admin refuses non-administrators, validate is off without its secret', async () => {
    const ok = { status: 204, description: 'done' };
    const { http } = appFor([
      route({
        ...base,
        method: 'delete',
        path: '/admin/x',
        guard: 'admin',
        output: ok,
        handler: () => undefined,
      }),
      route({
        ...base,
        method: 'post',
        path: '/validate',
        guard: 'validate',
        output: ok,
        handler: () => undefined,
      }),
    ]);
    expect((await http.delete('/base/admin/x').expect(403)).body.error.code).toBe('admin_required');
    await http.delete('/base/admin/x').set('X-Test-Admin', 'yes').expect(204);
    await http.post('/base/validate').set('Content-Type', 'application/json').send({}).expect(404);
  });
});
