import { Validator } from '@seriousme/openapi-schema-validator';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.ts';
import { PROXY_ENDPOINTS } from '../../../server/openapi-operations.ts';
import { ROUTES } from '../../../server/routes/index.ts';
import { createStore } from '../../../server/store/index.ts';
import { api, BASE, DATABASES, type Harness, startHarness } from './harness.ts';

const OPERATIONS = [...ROUTES, ...PROXY_ENDPOINTS];
const key = (op: { method: string; path: string }) => `${op.method} ${op.path}`;

describe.each(DATABASES)('documentation and health on %s', (db) => {
  let h: Harness;
  // PostgreSQL: the companion also says whether it hears the others' changes (server/cluster).
  const listening = db === 'postgres' ? { notifications: 'ok' } : {};
  beforeAll(async () => {
    h = await startHarness({ db });
  });
  afterAll(() => h?.close());

  it('serves an OpenAPI 3.1 document describing every operation the server routes', async () => {
    const res = await h.http.get(api('/openapi.json')).expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.servers).toEqual([{ url: BASE }]);
    // The document and the route table name the same operations, no more and no fewer.
    const documented = Object.entries(res.body.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => key({ method, path })),
    );
    expect(documented.sort()).toEqual(OPERATIONS.map(key).sort());
    expect(new Set(ROUTES.map(key)).size).toBe(ROUTES.length);
    const settings = res.body.paths['/api/v1/admin/settings'].put;
    expect(settings.description).toBe('Access: Site administrators.');
    expect(settings.parameters).toEqual([
      expect.objectContaining({ name: 'capExistingTokens', in: 'query', required: false }),
    ]);
    const create = res.body.paths['/api/v1/tokens'].post;
    expect(create.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/CreateTokenRequest',
    );
    expect(res.body.components.schemas.CreateTokenRequest.additionalProperties).toBe(false);
    expect(res.body.components.schemas.Settings.required).toEqual(
      expect.arrayContaining(['maxValidity', 'ipAllowlist', 'reverseProxy', 'passwordBasicAuth']),
    );
    // Valid against the official OpenAPI 3.1 schema.
    const result = await new Validator().validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // Every $ref points at a component that exists.
    const refs = [...JSON.stringify(res.body).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1],
    );
    for (const ref of refs) expect(res.body.components.schemas).toHaveProperty(ref as string);
  });

  it('documents only routes that exist: each answers something other than 404 without credentials', async () => {
    for (const op of OPERATIONS) {
      const concrete = op.path
        .replace('{id}', 'x')
        .replace('{username}', 'bob')
        .replace('{address}', '192.0.2.1')
        .replace('{path}', 'rest/api/2/myself');
      const path = `${BASE}${concrete}`;
      const req = h.http[op.method](path);
      const res =
        op.method === 'get' ? await req : await req.set('Content-Type', 'application/json').send({});
      // A route may answer 404 itself (e.g. validate while switched off), but never "no route".
      expect(`${op.method} ${op.path} ${res.body?.error?.message ?? ''}`).not.toMatch(/No route for/);
    }
  });

  it('serves a self-contained docs page without scripts', async () => {
    const res = await h.http.get(api('/docs')).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).not.toMatch(/<script/i);
    expect(res.text).toContain('/api/v1/admin/users/{username}/tokens');
  });

  it('answers healthz and readyz under the base path only', async () => {
    expect((await h.http.get(`${BASE}/healthz`).expect(200)).body).toEqual({ status: 'ok' });
    const ready = await h.http.get(`${BASE}/readyz`).expect(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', site: 'ok', ...listening } });
    const outside = await h.http.get('/healthz').expect(404);
    expect(outside.body.error.code).toBe('not_found');
  });

  it('says only ok or unavailable per readiness check; why goes to the log', async () => {
    await h.stopSite();
    const res = await h.http.get(`${BASE}/readyz`).expect(503);
    expect(res.body).toEqual({
      status: 'unavailable',
      checks: { database: 'ok', site: 'unavailable', ...listening },
    });
    expect(res.text).not.toContain(h.sim.baseUrl);
    expect(res.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch failed/);
    const logged = h.logs.map((l) => JSON.parse(l)).find((l) => l.check === 'site');
    expect(logged).toMatchObject({ level: 40, msg: 'readiness check failed: site' });
    expect(JSON.stringify(logged.err)).toMatch(/.+/);
    // A real driver error: a database that does not exist names itself in the message.
    const broken = createStore('postgres://postgres@127.0.0.1:5432/ata_no_such_database');
    try {
      const app = createApp({ ...h.deps, checkDatabase: () => broken.ping() });
      const both = await supertest(app.callback()).get(`${BASE}/readyz`).expect(503);
      expect(both.body).toEqual({
        status: 'unavailable',
        checks: { database: 'unavailable', site: 'unavailable', ...listening },
      });
      expect(both.text).not.toContain('ata_no_such_database');
      expect(h.logs.join('')).toContain('ata_no_such_database');
    } finally {
      await broken.close();
    }
  });
});
