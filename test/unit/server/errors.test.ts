import { Writable } from 'node:stream';
import Koa from 'koa';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { AppError, errorHandler } from '../../../server/errors.ts';
import { createLogger } from '../../../server/logger.ts';

function appThrowing(err: unknown) {
  const lines: string[] = [];
  const logger = createLogger({
    destination: new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  const app = new Koa();
  app.use(errorHandler({ logger }));
  app.use(() => {
    throw err;
  });
  return { http: supertest(app.callback()), lines };
}

describe('error handler', () => {
  it('renders an AppError as {"error":{"code","message"}} with its status', async () => {
    const { http } = appThrowing(new AppError(409, 'conflict', 'Already there.'));
    const res = await http.get('/').expect(409);
    expect(res.body).toEqual({ error: { code: 'conflict', message: 'Already there.' } });
  });

  it('hides the message of an unexpected error and logs it server-side', async () => {
    const { http, lines } = appThrowing(new Error('select * from tokens where secret_hash = …'));
    const res = await http.get('/').expect(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'Internal server error.' } });
    expect(lines.join('')).toContain('request failed');
  });

  it.each([['SQLITE_CONSTRAINT_UNIQUE'], ['23505']])(
    'maps the database constraint code %s to 409',
    async (code) => {
      const { http } = appThrowing(Object.assign(new Error('duplicate key value violates …'), { code }));
      const res = await http.get('/').expect(409);
      expect(res.body.error).toEqual({
        code: 'conflict',
        message: 'The change conflicts with existing data.',
      });
    },
  );

  it('keeps client errors raised by Koa or the body parser as 4xx', async () => {
    const { http } = appThrowing(
      Object.assign(new Error('request entity too large'), { status: 413, expose: true }),
    );
    expect((await http.get('/').expect(413)).body.error.code).toBe('payload_too_large');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const app = new Koa();
    app.use(errorHandler({ logger: createLogger({ level: 'silent' }) }));
    const res = await supertest(app.callback()).get('/nowhere').expect(404);
    expect(res.body.error).toEqual({ code: 'not_found', message: 'No route for GET /nowhere.' });
  });
});
