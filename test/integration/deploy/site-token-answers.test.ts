import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, BASE, basic, type Harness, startHarness } from '../api/harness.ts';

// Traefik and Envoy cannot run here (test/e2e/deploy runs nginx and Caddy), so what their shipped
// files rely on is pinned at the companion's endpoints, in site-token mode (the default) against a
// stock simulated site: Traefik's authResponseHeaders and Envoy's allowed_upstream_headers copy the
// answer's Authorization onto the site request, and Envoy removes what the answer names.

describe('the allow answers Traefik and Envoy forward, in site-token mode', () => {
  let h: Harness;
  let secret: string;
  let pat: string;
  let forwardAuthUser: unknown;

  beforeAll(async () => {
    h = await startHarness({ db: 'sqlite' });
    const created = await h.http
      .post(api('/tokens'))
      .set('Cookie', await h.login('alice'))
      .send({ name: 'proxies', validity: 'P1M' })
      .expect(201);
    secret = created.body.secret;
    const allowed = await h.http
      .get(`${BASE}/authz/forward-auth`)
      .set('X-Forwarded-Method', 'GET')
      .set('X-Forwarded-Uri', '/rest/api/2/myself')
      .set('Authorization', basic('alice', secret))
      .expect(200);
    pat = allowed.headers.authorization as string;
    forwardAuthUser = allowed.headers['x-forwarded-user'];
  });
  afterAll(() => h?.close());

  it('forward-auth (Traefik): the site PAT as Authorization, no identity header', () => {
    expect(pat).toMatch(/^Bearer [MNO][A-Za-z0-9+/]{43}$/);
    expect(forwardAuthUser).toBeUndefined();
  });

  it('ext-authz (Envoy): the site PAT as Authorization, and the browser cookie removed', async () => {
    const allowed = await h.http
      .get(`${BASE}/authz/ext-authz/rest/api/2/myself`)
      .set('Authorization', basic('alice', secret))
      .expect(200);
    expect(allowed.headers.authorization).toBe(pat);
    expect(allowed.headers['x-forwarded-user']).toBeUndefined();
    // Not authorization: Envoy removes after it sets, which would drop the PAT too.
    expect(allowed.headers['x-envoy-auth-headers-to-remove']).toBe('cookie');
  });

  it('ext-authz (Envoy): a password keeps the client’s own Authorization and cookie', async () => {
    const allowed = await h.http
      .get(`${BASE}/authz/ext-authz/rest/api/2/myself`)
      .set('Authorization', basic('alice', 'alice'))
      .expect(200);
    expect(allowed.headers.authorization).toBeUndefined();
    expect(allowed.headers['x-envoy-auth-headers-to-remove']).toBeUndefined();
  });
});
