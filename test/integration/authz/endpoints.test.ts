import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAILED_AUDITS_PER_PREFIX } from '../../../server/authz/authz-service.ts';
import type { Settings } from '../../../server/services/types.ts';
import { generateToken } from '../../../shared/token.ts';
import {
  api,
  authRequest,
  BASE,
  basic,
  DATABASES,
  type Harness,
  IDENTITY_HEADER_SETTINGS,
  startHarness,
} from '../api/harness.ts';

// The plugin endpoint is on for this suite.
const VALIDATE_SECRET = randomBytes(32).toString('base64url');

const FORWARD_AUTH = `${BASE}/authz/forward-auth`;
const EXT_AUTHZ = `${BASE}/authz/ext-authz`;
const ctx = { actor: 'admin', remoteIp: null };

describe.each(DATABASES)('validation endpoints on %s', (db) => {
  let h: Harness;
  let aliceSecret: string;
  let aliceTokenId: string;
  let readOnlySecret: string;
  let bobSecret: string;

  const settings = (patch: Partial<Settings>) =>
    h.deps.settings.update({ ...IDENTITY_HEADER_SETTINGS, ...patch }, ctx);
  const nginx = (authorization?: string | string[], method?: string, uri?: string) =>
    authRequest(h.http, authorization, { method, uri });

  beforeAll(async () => {
    h = await startHarness({ db, env: { ATA_VALIDATE_SECRET: VALIDATE_SECRET } });
    const make = async (owner: string, scope?: 'read-only') => {
      const { token, secret } = await h.deps.tokens.create(
        { owner, name: `${owner} ${scope ?? 'rw'}`, validity: 'never', ...(scope ? { scope } : {}) },
        { actor: owner, remoteIp: null },
      );
      return { id: token.id, secret };
    };
    const alice = await make('alice');
    aliceSecret = alice.secret;
    aliceTokenId = alice.id;
    readOnlySecret = (await make('alice', 'read-only')).secret;
    bobSecret = (await make('bob')).secret;
  });
  afterAll(() => h?.close());
  beforeEach(async () => {
    await settings({});
    h.logs.length = 0;
  });

  it('lets a request without credentials through unchanged (session mode)', async () => {
    const res = await nginx().expect(200);
    expect(res.headers['x-api-token-auth-mode']).toBe('session');
    expect(res.headers['x-forwarded-user']).toBeUndefined();
  });

  it('allows a valid token and names its owner for the site', async () => {
    const res = await nginx(basic('alice', aliceSecret)).expect(200);
    expect(res.headers['x-api-token-auth-mode']).toBe('token');
    expect(res.headers['x-forwarded-user']).toBe('alice');
    expect(res.headers['x-api-token-expiration']).toBe('never');
    const bearer = await nginx(`Bearer ${bobSecret}`).expect(200);
    expect(bearer.headers['x-forwarded-user']).toBe('bob');
  });

  it('refuses a wrong token with 401 and Basic, and never asks the site (no failed login)', async () => {
    const before = h.sim.state.failedLoginCount('alice');
    const requestsBefore = h.sim.state.requests.length;
    const res = await nginx(basic('alice', generateToken())).expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="/);
    expect(res.headers['x-api-token-auth-reason']).toBe('invalid-token');
    expect(res.headers['x-forwarded-user']).toBeUndefined();
    expect(h.sim.state.failedLoginCount('alice')).toBe(before);
    expect(h.sim.state.requests.length).toBe(requestsBefore);
  });

  it('refuses someone else’s token with 401', async () => {
    const res = await nginx(basic('bob', aliceSecret)).expect(401);
    expect(res.headers['x-api-token-auth-reason']).toBe('token-user-mismatch');
  });

  it('refuses a deleted token on the very next request', async () => {
    const { token, secret } = await h.deps.tokens.create(
      { owner: 'alice', name: 'short-lived', validity: 'never' },
      { actor: 'alice', remoteIp: null },
    );
    await nginx(basic('alice', secret)).expect(200);
    await nginx(basic('alice', secret)).expect(200);
    await h.deps.tokens.delete(token.id, { actor: 'alice', remoteIp: null });
    const res = await nginx(basic('alice', secret)).expect(401);
    expect(res.headers['x-api-token-auth-reason']).toBe('invalid-token');
  });

  it('passes a password on, or refuses it with 403 when password auth is off', async () => {
    const on = await nginx(basic('alice', 'alice')).expect(200);
    expect(on.headers['x-api-token-auth-mode']).toBe('password');
    await settings({ passwordBasicAuth: false });
    const off = await nginx(basic('alice', 'alice')).expect(403);
    expect(off.headers['x-api-token-auth-reason']).toBe('password-auth-disabled');
    await nginx(basic('alice', aliceSecret)).expect(200);
  });

  it('passes the site’s own personal access tokens through', async () => {
    const pat = h.sim.state.createPersonalAccessToken('alice');
    const res = await nginx(`Bearer ${pat}`).expect(200);
    expect(res.headers['x-api-token-auth-mode']).toBe('passthrough');
  });

  it('applies the allowlist to the forwarded client of a trusted proxy, and ignores it from others', async () => {
    const reverseProxy = { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' };
    await settings({ ipAllowlist: ['198.51.100.0/24'], reverseProxy });
    await nginx(basic('alice', aliceSecret)).set('X-Forwarded-For', '198.51.100.9').expect(200);
    const forged = await nginx(basic('alice', aliceSecret)).set(
      'X-Forwarded-For',
      '198.51.100.9, 203.0.113.1',
    );
    expect(forged.status).toBe(403);
    expect(forged.headers['x-api-token-auth-reason']).toBe('ip-not-allowed');
    await settings({
      ipAllowlist: ['198.51.100.0/24'],
      reverseProxy: { ...reverseProxy, trustedProxies: [] },
    });
    await nginx(basic('alice', 'alice')).set('X-Forwarded-For', '198.51.100.9').expect(403);
  });

  it('holds a read-only token to GET, HEAD and OPTIONS, and the forced setting to all tokens', async () => {
    await nginx(basic('alice', readOnlySecret), 'GET').expect(200);
    const post = await nginx(basic('alice', readOnlySecret), 'POST', '/rest/api/2/issue').expect(403);
    expect(post.headers['x-api-token-auth-reason']).toBe('scope-read-only');
    await settings({ forceReadOnlyScope: true });
    await nginx(basic('alice', aliceSecret), 'DELETE', '/rest/api/2/issue/X-1').expect(403);
  });

  it('refuses malformed credentials with a reason, never a 500', async () => {
    const two = await nginx([basic('alice', aliceSecret), 'Bearer x']).expect(401);
    expect(two.headers['x-api-token-auth-reason']).toBe('multiple-authorization-headers');
    expect((await nginx('Basic %%%%').expect(401)).headers['x-api-token-auth-reason']).toBe('bad-base64');
    expect((await nginx(`Basic ${'A'.repeat(9000)}`).expect(401)).headers['x-api-token-auth-reason']).toBe(
      'oversized-authorization',
    );
  });

  it('throttles wrong tokens: 403 for nginx, 429 with Retry-After elsewhere; an administrator lifts it', async () => {
    const reverseProxy = { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' };
    await settings({ reverseProxy });
    const attacker = '203.0.113.66';
    for (let i = 0; i <= 30; i++) {
      await nginx(`Bearer ${generateToken()}`).set('X-Forwarded-For', attacker).expect(401);
    }
    const blocked = await nginx(basic('alice', aliceSecret)).set('X-Forwarded-For', attacker).expect(403);
    expect(blocked.headers['x-api-token-auth-reason']).toBe('throttled');
    const elsewhere = await h.http
      .get(FORWARD_AUTH)
      .set('X-Forwarded-Method', 'GET')
      .set('X-Forwarded-Uri', '/rest/api/2/myself')
      .set('X-Forwarded-For', attacker)
      .set('Authorization', basic('alice', aliceSecret))
      .expect(429);
    expect(Number(elsewhere.headers['retry-after'])).toBeGreaterThan(0);
    await nginx(basic('alice', aliceSecret)).set('X-Forwarded-For', '198.51.100.1').expect(200);

    const admin = basic('admin', 'admin');
    await h.http.get(api('/admin/throttles')).set('Authorization', basic('alice', 'alice')).expect(403);
    const listed = await h.http.get(api('/admin/throttles')).set('Authorization', admin).expect(200);
    expect(listed.body.items).toContainEqual(expect.objectContaining({ kind: 'address', key: attacker }));
    await h.http
      .delete(api(`/admin/throttles/addresses/${attacker}`))
      .set('Authorization', admin)
      .set('Content-Type', 'application/json')
      .expect(204);
    await nginx(basic('alice', aliceSecret)).set('X-Forwarded-For', attacker).expect(200);
  });

  it('logs and audits a blocked client’s refusals once, then as one summary with their number', async () => {
    const reverseProxy = { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' };
    await settings({ reverseProxy, auditAuthentications: true });
    const attacker = '203.0.113.88';
    const authz = h.deps.authz;
    const wrong = () => nginx(`Bearer ${generateToken()}`).set('X-Forwarded-For', attacker);
    for (let i = 0; i <= 30; i++) await wrong().expect(401);
    for (let i = 0; i < 40; i++) {
      expect((await wrong().expect(403)).headers['x-api-token-auth-reason']).toBe('throttled');
    }
    authz.throttledRefusals.report();
    await authz.settled();

    const lines = h.logs
      .flatMap((chunk) => chunk.split('\n').filter(Boolean))
      .map((line) => JSON.parse(line));
    // The outcome line carries the attempt's request id, not the address.
    const attempts = new Set(lines.filter((line) => line.clientIp === attacker).map((line) => line.reqId));
    const outcomes = lines
      .filter((line) => line.event === 'auth.failed' && attempts.has(line.reqId))
      .map((line) => line.reason);
    // 31 wrong tokens, then the first refusal of the block in full; the other 39 only counted.
    expect(outcomes).toEqual([...Array(31).fill('invalid-token'), 'throttled']);
    expect(lines.filter((line) => line.event === 'auth.throttled' && line.key === attacker)).toEqual([
      expect.objectContaining({ kind: 'address', key: attacker, refused: 39, level: 30 }),
    ]);
    const audit = await h.deps.audit.list({ action: 'auth.failed' }, { limit: 100, offset: 0 });
    const throttled = audit.items.filter((r) => r.remoteIp === attacker && r.details?.reason === 'throttled');
    expect(throttled.map((r) => r.details?.refused ?? 1)).toEqual([39, 1]);
    // Of the 31 wrong tokens, the first few of its /24 are audited in full, the rest summarised.
    expect(audit.items.filter((r) => r.remoteIp === attacker)).toHaveLength(FAILED_AUDITS_PER_PREFIX + 2);
  });

  it('throttles an IPv6 client per /64 and lets an administrator lift it by the listed key', async () => {
    const reverseProxy = { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' };
    await settings({ reverseProxy });
    // Every attempt from a new address of the same /64, as a host that owns the /64 can do.
    for (let i = 0; i <= 30; i++) {
      await nginx(`Bearer ${generateToken()}`)
        .set('X-Forwarded-For', `2001:db8:aa:bb::${(i + 1).toString(16)}`)
        .expect(401);
    }
    const blocked = await nginx(basic('alice', aliceSecret))
      .set('X-Forwarded-For', '2001:db8:aa:bb:1234::1')
      .expect(403);
    expect(blocked.headers['x-api-token-auth-reason']).toBe('throttled');
    await nginx(basic('alice', aliceSecret)).set('X-Forwarded-For', '2001:db8:aa:bc::1').expect(200);

    const admin = basic('admin', 'admin');
    const listed = await h.http.get(api('/admin/throttles')).set('Authorization', admin).expect(200);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ kind: 'address', key: '2001:db8:aa:bb::/64' }),
    );
    const lift = (address: string) =>
      h.http
        .delete(api(`/admin/throttles/addresses/${encodeURIComponent(address)}`))
        .set('Authorization', admin)
        .set('Content-Type', 'application/json');
    // A range cannot be written in the path (an encoded slash is refused before routing):
    // any address of the /64 names its block.
    await lift('2001:db8:aa:bb::/64').expect(400);
    await lift('2001:db8:aa:bb::1').expect(204);
    await lift('2001:db8:aa:bb::99').expect(404);
    await nginx(basic('alice', aliceSecret)).set('X-Forwarded-For', '2001:db8:aa:bb::5').expect(200);
  });

  it('speaks forward-auth (Traefik, Caddy): echoes a password for the site, never a token', async () => {
    const forward = (authorization: string, method = 'GET') =>
      h.http
        .get(FORWARD_AUTH)
        .set('X-Forwarded-Method', method)
        .set('X-Forwarded-Uri', '/rest/api/2/issue/X-1')
        .set('Authorization', authorization);
    const token = await forward(basic('alice', aliceSecret)).expect(200);
    expect(token.headers['x-forwarded-user']).toBe('alice');
    expect(token.headers.authorization).toBeUndefined();
    const password = await forward(basic('alice', 'alice')).expect(200);
    expect(password.headers.authorization).toBe(basic('alice', 'alice'));
    const denied = await forward(basic('alice', readOnlySecret), 'PUT').expect(403);
    expect(denied.body).toEqual({ error: { code: 'scope-read-only', message: expect.any(String) } });
  });

  it('speaks ext_authz (Envoy): original method and path, token header removed on allow', async () => {
    const ok = await h.http
      .post(`${EXT_AUTHZ}/rest/api/2/issue?expand=names`)
      .set('Authorization', basic('alice', aliceSecret))
      .expect(200);
    expect(ok.headers['x-forwarded-user']).toBe('alice');
    expect(ok.headers['x-envoy-auth-headers-to-remove']).toBe('authorization,cookie');
    await h.http
      .post(`${EXT_AUTHZ}/rest/api/2/issue`)
      .set('Authorization', basic('alice', readOnlySecret))
      .expect(403);
    await h.http
      .head(`${EXT_AUTHZ}/rest/api/2/issue/X-1`)
      .set('Authorization', basic('alice', readOnlySecret))
      .expect(200);
  });

  it('answers the plugin endpoint only with the shared secret', async () => {
    const body = {
      method: 'POST',
      path: '/rest/api/2/issue',
      authorization: basic('alice', aliceSecret),
      remoteAddress: '192.0.2.5',
      headers: { 'X-Forwarded-User': 'admin' },
    };
    await h.http.post(api('/validate')).set('Content-Type', 'application/json').send(body).expect(401);
    await h.http
      .post(api('/validate'))
      .set('Authorization', `Bearer ${VALIDATE_SECRET}x`)
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(401);
    const res = await h.http
      .post(api('/validate'))
      .set('Authorization', `Bearer ${VALIDATE_SECRET}`)
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(200);
    expect(res.body).toEqual({
      decision: 'allow',
      mode: 'token',
      status: 200,
      user: 'alice',
      reason: 'ok',
      expiresAt: null,
    });
    const wrong = await h.http
      .post(api('/validate'))
      .set('Authorization', `Bearer ${VALIDATE_SECRET}`)
      .set('Content-Type', 'application/json')
      .send({ ...body, authorization: basic('alice', generateToken()) })
      .expect(200);
    expect(wrong.body).toMatchObject({ decision: 'deny', status: 401, reason: 'invalid-token' });
    await h.http
      .post(api('/validate'))
      .set('Authorization', `Bearer ${VALIDATE_SECRET}`)
      .set('Content-Type', 'application/json')
      .send({ ...body, extra: 1 })
      .expect(400);
  });

  it('reads the plugin’s client address through the trusted-proxy rules, and survives odd headers', async () => {
    const reverseProxy = { enabled: true, trustedProxies: ['10.0.0.0/8'], clientIpHeader: 'X-Forwarded-For' };
    await settings({ ipAllowlist: ['198.51.100.0/24'], reverseProxy });
    const ask = (payload: string) =>
      h.http
        .post(api('/validate'))
        .set('Authorization', `Bearer ${VALIDATE_SECRET}`)
        .set('Content-Type', 'application/json')
        .send(payload);
    const body = (remoteAddress: string, headers: string) =>
      `{"method":"GET","path":"/rest/api/2/myself","authorization":${JSON.stringify(basic('alice', aliceSecret))},` +
      `"remoteAddress":"${remoteAddress}","headers":${headers}}`;
    const trusted = await ask(body('10.1.2.3', '{"X-Forwarded-For":["192.0.2.1","198.51.100.9"]}')).expect(
      200,
    );
    expect(trusted.body).toMatchObject({ decision: 'allow', user: 'alice' });
    const untrusted = await ask(body('203.0.113.4', '{"x-forwarded-for":"198.51.100.9"}')).expect(200);
    expect(untrusted.body).toMatchObject({ decision: 'deny', status: 403, reason: 'ip-not-allowed' });
    // A "__proto__" key is refused by the JSON parser (prototype poisoning), with a 400.
    const proto = await ask(body('10.1.2.3', '{"__proto__":"198.51.100.9","constructor":"x"}')).expect(400);
    expect(proto.body.error.code).toBe('bad_request');
    const oddName = await ask(body('10.1.2.3', '{"constructor":"198.51.100.9"}')).expect(200);
    expect(oddName.body).toMatchObject({ decision: 'deny', reason: 'ip-not-allowed' });
  });

  it('logs each token authentication twice at INFO, never the secret or a cookie', async () => {
    await nginx(basic('alice', aliceSecret)).set('Cookie', 'JSESSIONID=s3cr3tcookie').expect(200);
    await nginx(basic('alice', generateToken())).expect(401);
    await nginx(basic('alice', 'alice')).expect(200);
    // A write may carry several lines (the two authentication lines go out together).
    const lines = h.logs
      .flatMap((chunk) => chunk.split('\n').filter(Boolean))
      .map((line) => JSON.parse(line));
    const events = lines.filter((l) => typeof l.event === 'string' && l.event.startsWith('auth.'));
    expect(events.map((l) => [l.event, l.level])).toEqual([
      ['auth.attempt', 30],
      ['auth.succeeded', 30],
      ['auth.attempt', 30],
      ['auth.failed', 30],
      ['auth.attempt', 30],
      ['auth.succeeded', 30],
    ]);
    expect(events[0]).toMatchObject({
      user: 'alice',
      method: 'GET',
      path: '/rest/api/2/myself',
      mode: 'token',
    });
    expect(events[1]).toMatchObject({ tokenId: aliceTokenId });
    expect(events[3]).toMatchObject({ reason: 'invalid-token' });
    const all = h.logs.join('\n');
    expect(all).not.toContain(aliceSecret);
    expect(all).not.toContain('s3cr3tcookie');
    expect(all).not.toContain(Buffer.from('alice:alice').toString('base64'));
  });

  it('writes audit records when asked to', async () => {
    const before = (await h.deps.audit.list({}, { limit: 1, offset: 0 })).items[0]?.id ?? 0;
    await settings({ auditAuthentications: true, ipAllowlist: ['192.0.2.0/24'] });
    await nginx(basic('alice', generateToken())).expect(403);
    await settings({ auditAuthentications: true });
    await nginx(basic('alice', aliceSecret)).expect(200);
    await nginx(basic('alice', generateToken())).expect(401);
    await nginx(basic('carol', 'carol')).expect(200);
    const authz = h.deps.authz;
    await authz.settled();
    const page = await h.deps.audit.list({}, { limit: 20, offset: 0 });
    const actions = page.items
      .filter((r) => r.id > before && r.action.startsWith('auth.'))
      .map((r) => r.action);
    expect(actions.sort()).toEqual(['auth.failed', 'auth.ip_denied', 'auth.succeeded', 'auth.succeeded']);
    const tokenSuccess = page.items.find((r) => r.action === 'auth.succeeded' && r.tokenId === aliceTokenId);
    expect(tokenSuccess).toMatchObject({ subjectUser: 'alice', tokenName: 'alice rw' });
  });

  it('records last use in batches, flushed on demand and on shutdown', async () => {
    await nginx(basic('alice', aliceSecret)).set('X-Forwarded-For', '192.0.2.200').expect(200);
    await h.deps.authz.flushLastUsed();
    const token = await h.deps.tokens.get(aliceTokenId);
    expect(token?.lastUsedAt).toBeInstanceOf(Date);
    expect(token?.lastUsedIp).toBe('127.0.0.1');
  });

  it('counts a token used on the management API like one checked by a proxy', async () => {
    const { token, secret } = await h.deps.tokens.create(
      { owner: 'bob', name: 'api only', validity: 'never' },
      { actor: 'bob', remoteIp: null },
    );
    await h.http.get(api('/tokens')).set('Authorization', basic('bob', secret)).expect(200);
    await h.deps.authz.flushLastUsed();
    const used = await h.deps.tokens.get(token.id);
    expect(used?.lastUsedAt).toBeInstanceOf(Date);
    expect(used?.lastUsedIp).toBe('127.0.0.1');

    // Wrong tokens there fill the same throttle: past the limit the address waits, on both APIs.
    const reverseProxy = { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' };
    await settings({ reverseProxy });
    const guesser = '203.0.113.77';
    for (let i = 0; i <= 30; i++) {
      await h.http
        .get(api('/tokens'))
        .set('X-Forwarded-For', guesser)
        .set('Authorization', `Bearer ${generateToken()}`)
        .expect(401);
    }
    const blocked = await h.http
      .get(api('/tokens'))
      .set('X-Forwarded-For', guesser)
      .set('Authorization', basic('bob', secret))
      .expect(429);
    expect(blocked.body.error.code).toBe('throttled');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      (await nginx(basic('bob', secret)).set('X-Forwarded-For', guesser).expect(403)).headers,
    ).toMatchObject({
      'x-api-token-auth-reason': 'throttled',
    });
    await h.deps.authz.throttle.reset('address', guesser);
  });
});
