import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../../server/routes/index.ts';
import { BASE, DATABASES, type Harness, startHarness } from './harness.ts';

// Paths are case-sensitive, as they are for nginx and for the site. A route that matched
// /api/V1/tokens while the guard in front of it (origin check, JSON check, identify) did not ran
// without a caller: 500 on the own-token routes, and only the handlers' own checks kept the
// administrator routes closed. The plugin's validate endpoint follows the same rule.
const MANAGEMENT = ROUTES.filter((op) => op.path.startsWith('/api/v1/'));

const concrete = (path: string) =>
  path.replace('{username}', 'bob').replace('{id}', 'some-id').replace('{address}', '192.0.2.1');

const variants = (path: string) => [
  path.replace('/api/v1/', '/api/V1/'),
  path.replace('/api/v1/', '/API/v1/'),
  path.replace(/^\/api\/v1\/([a-z])/, (_, first: string) => `/api/v1/${first.toUpperCase()}`),
];
it('covers the management API', () => {
  expect(MANAGEMENT.length).toBeGreaterThanOrEqual(19);
});

describe.each(DATABASES)('path case on %s', (db) => {
  let h: Harness;
  let alice: string;
  beforeAll(async () => {
    // With the validate endpoint switched on, a case-changed path to it must still find nothing.
    h = await startHarness({ db, env: { ATA_VALIDATE_SECRET: 'v'.repeat(40) } });
    alice = await h.login('alice');
  });
  afterAll(() => h?.close());

  it.each(MANAGEMENT.map((op) => [op.method, op.path] as const))(
    '%s %s answers 404 under another spelling of its path',
    async (method, path) => {
      for (const variant of variants(concrete(path))) {
        const res = await h.http[method](`${BASE}${variant}`)
          .set('Cookie', alice)
          .set('Origin', 'https://evil.example')
          .set('Content-Type', 'application/json')
          .send(method === 'get' ? undefined : { name: 'x', validity: 'P1M' });
        expect(res.status, `${method} ${variant}`).toBe(404);
      }
    },
  );

  it('creates no token through a case-changed path from another origin', async () => {
    await h.http
      .post(`${BASE}/api/V1/tokens`)
      .set('Cookie', alice)
      .set('Origin', 'https://evil.example')
      .set('Content-Type', 'application/json')
      .send({ name: 'csrf', validity: 'P1M' });
    const list = await h.http.get(`${BASE}/api/v1/tokens`).set('Cookie', alice).expect(200);
    expect(list.body).toEqual([]);
  });

  it.each(['/HEALTHZ', '/Healthz'])('answers 404 for %s', async (path) => {
    await h.http.get(`${BASE}${path}`).expect(404);
  });
});
