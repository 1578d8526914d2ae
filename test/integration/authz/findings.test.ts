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

// The outside review's reproductions against a real companion (both databases) and the
// simulator: each of these passed before the fix.

const ctx = { actor: 'admin', remoteIp: null };
const trustLocalProxy = { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' };

describe.each(DATABASES)('review findings on %s', (db) => {
  let h: Harness;
  const settings = (patch: Partial<Settings>) =>
    h.deps.settings.update({ ...IDENTITY_HEADER_SETTINGS, ...patch }, ctx);
  const nginx = (authorization?: string, uri?: string, forwardedFor?: string) =>
    authRequest(h.http, authorization, { uri, forwardedFor });
  const keyOf = (name: string) => h.sim.state.directory.require(name).jiraKey;
  const mint = async (owner: string, ownerKey?: string) =>
    (
      await h.deps.tokens.create(
        { owner, name: `${owner} ci`, validity: 'never', ...(ownerKey ? { ownerKey } : {}) },
        { actor: owner, remoteIp: null },
      )
    ).secret;

  beforeAll(async () => {
    h = await startHarness({ db, flavour: 'jira9' });
  });
  afterAll(() => h?.close());
  beforeEach(async () => {
    await settings({});
    h.logs.length = 0;
  });

  it('1. a token in the user-name field is a token, and never lands in a log or the audit table', async () => {
    const secret = await mint('alice');
    const allowed = await nginx(basic(secret, '')).expect(200);
    expect(allowed.headers['x-forwarded-user']).toBe('alice');
    await settings({ auditAuthentications: true });
    const wrong = generateToken();
    const refused = await nginx(basic(wrong, '')).expect(401);
    expect(refused.headers['x-api-token-auth-reason']).toBe('invalid-token');
    await nginx(basic('ata_typo', 'x')).expect(401);
    await h.deps.authz.settled();
    const audit = JSON.stringify(await h.deps.audit.list({}, { limit: 100, offset: 0 }));
    for (const text of [h.logs.join('\n'), audit]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(wrong);
      expect(text).not.toContain('ata_typo');
    }
  });

  it('3. a deleted token is refused on the very next request, whichever spelling was cached', async () => {
    const secret = await mint('alice');
    const spellings = [`Bearer ${secret}`, basic('alice', secret), basic('ALICE', secret)];
    for (const spelling of spellings) await nginx(spelling).expect(200);
    const [token] = await h.deps.tokens.list('alice');
    const target = (await h.deps.tokens.list('alice')).find((t) => t.hint === secret.slice(-4)) ?? token;
    await h.deps.tokens.delete(target?.id as string, ctx);
    for (const spelling of spellings) await nginx(spelling).expect(401);
  });

  it('6. targets with dot segments or encoded dots and slashes never reach a validation endpoint', async () => {
    const secret = await mint('alice');
    for (const target of [
      `${BASE}/authz/ext-authz/../../x`,
      `${BASE}/authz/ext-authz/%2e%2e/%2e%2e/x`,
      `${BASE}/authz/ext-authz/%2E%2E/x`,
      `${BASE}/authz//auth-request`,
      `${BASE}/authz/auth-request%2fx`,
      `${BASE}/api/v1/../authz/auth-request`,
    ]) {
      const res = await h.http.get(target).set('Authorization', basic('alice', secret));
      expect(res.status, target).toBe(400);
      expect(res.headers['x-forwarded-user'], target).toBeUndefined();
    }
  });

  it('an allow answer has an explicit empty length, so nginx keeps the connection', async () => {
    const res = await nginx().expect(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['transfer-encoding']).toBeUndefined();
  });

  it('7. a token opens the REST API and downloads, never the web UI', async () => {
    const secret = await mint('alice');
    await nginx(basic('alice', secret), '/rest/api/2/issue/DEMO-1').expect(200);
    await nginx(basic('alice', secret), '/secure/attachment/10000/build.log').expect(200);
    for (const uri of [
      '/secure/Dashboard.jspa',
      '/secure/admin/ViewApplicationProperties.jspa',
      '/rest/../secure/x',
    ]) {
      const res = await nginx(basic('alice', secret), uri).expect(403);
      expect(res.headers['x-api-token-auth-reason']).toBe('path-not-allowed');
    }
  });

  it('5. credentials in the query are checked like password Basic', async () => {
    const uri = '/rest/api/2/myself?os_username=alice&os_password=alice';
    await nginx(undefined, uri).expect(200);
    await settings({ passwordBasicAuth: false });
    const refused = await nginx(undefined, uri).expect(403);
    expect(refused.headers['x-api-token-auth-reason']).toBe('password-auth-disabled');
    await settings({ ipAllowlist: ['198.51.100.0/24'], reverseProxy: trustLocalProxy });
    const outside = await nginx(undefined, uri, '203.0.113.9').expect(403);
    expect(outside.headers['x-api-token-auth-reason']).toBe('ip-not-allowed');
  });

  it('8. a renamed user keeps their tokens; a new user with the old name inherits none', async () => {
    h.sim.state.directory.add('frank', { groups: ['developers'] });
    const frankKey = keyOf('frank');
    const renamed = await mint('frank', frankKey);
    h.sim.state.directory.rename('frank', 'franklin');
    const allowed = await nginx(basic('franklin', renamed)).expect(200);
    expect(allowed.headers['x-forwarded-user']).toBe('franklin');
    await nginx(basic('frank', renamed)).expect(401);

    h.sim.state.directory.add('gina', { groups: ['developers'] });
    const inherited = await mint('gina', keyOf('gina'));
    h.sim.state.deleteUser('gina');
    h.sim.state.directory.add('gina', { groups: ['developers'] });
    const refused = await nginx(basic('gina', inherited)).expect(403);
    expect(refused.headers['x-api-token-auth-reason']).toBe('user-inactive');
  });

  it('8. an older token without a key is bound to its owner at its first successful check', async () => {
    h.sim.state.directory.add('hank', { groups: ['developers'] });
    const legacy = await mint('hank');
    await nginx(basic('hank', legacy)).expect(200);
    const [row] = await h.deps.tokens.list('hank');
    expect(row?.ownerKey).toBe(keyOf('hank'));
  });

  it('9. failed attempts are audited in full a few times per /24 and minute, the rest summarised', async () => {
    await settings({ auditAuthentications: true, reverseProxy: trustLocalProxy });
    const before = (await h.deps.audit.list({ action: 'auth.failed' }, { limit: 1, offset: 0 })).total;
    for (let i = 1; i <= 40; i++) {
      await nginx(basic(`made-up-${i}`, generateToken()), '/rest/api/2/myself', `198.51.100.${i}`).expect(
        401,
      );
    }
    h.deps.authz.failedAudits.report();
    await h.deps.authz.settled();
    const audit = await h.deps.audit.list({ action: 'auth.failed' }, { limit: 100, offset: 0 });
    const fresh = audit.items.slice(0, audit.total - before);
    expect(fresh.filter((r) => r.details?.reason === 'invalid-token')).toHaveLength(FAILED_AUDITS_PER_PREFIX);
    expect(fresh.filter((r) => r.details?.reason === 'summary')).toEqual([
      expect.objectContaining({
        actor: 'anonymous',
        details: expect.objectContaining({
          prefix: '198.51.100.0/24',
          refused: 40 - FAILED_AUDITS_PER_PREFIX,
        }),
      }),
    ]);
    // The log keeps every attempt.
    expect(h.logs.filter((l) => l.includes('"made-up-')).length).toBeGreaterThanOrEqual(40);
  });

  it('the management API asks the same core: a token in the user-name field, and path rules do not apply there', async () => {
    const secret = await mint('alice');
    const me = await h.http.get(api('/me')).set('Authorization', basic(secret, '')).expect(200);
    expect(me.body.username).toBe('alice');
  });
});
