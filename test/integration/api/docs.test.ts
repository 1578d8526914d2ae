import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../../server/openapi-operations.ts';
import { api, BASE, DATABASES, type Harness, startHarness } from './harness.ts';

describe.each(DATABASES)('documentation and health on %s', (db) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ db });
  });
  afterAll(() => h?.close());

  it('serves an OpenAPI 3.1 document describing every operation the server routes', async () => {
    const res = await h.http.get(api('/openapi.json')).expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.servers).toEqual([{ url: BASE }]);
    for (const op of OPERATIONS) expect(res.body.paths[op.path]?.[op.method]).toBeDefined();
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
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', site: 'ok' } });
    const outside = await h.http.get('/healthz').expect(404);
    expect(outside.body.error.code).toBe('not_found');
  });
});
