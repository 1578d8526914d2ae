import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FlavourName, type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { call, formLogin, type SimRequest } from './client.ts';

// The PAT plugin as the simulated sites serve it, on a Jira and a Confluence flavour: the REST API with its
// shapes, limits and errors; Bearer authentication where a bad, expired or revoked token is anonymous; the
// session a PAT request invalidates; and the XSRF rules for creating tokens with a session cookie.
const DAY = 24 * 60 * 60 * 1000;
const BROWSER =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

describe.each([
  { flavour: 'jira9' as FlavourName, contextPath: '/jira', probe: '/rest/api/2/serverInfo' },
  { flavour: 'confluence8' as FlavourName, contextPath: '', probe: '/rest/api/user/current' },
])('$flavour', ({ flavour, contextPath, probe }) => {
  let sim: Simulator;
  let clock = Date.parse('2026-03-01T10:00:00Z');
  const tokens = (path = '') => `${sim.baseUrl}/rest/pat/latest/tokens${path}`;
  const bearer = (pat: string): SimRequest => ({ headers: { Authorization: `Bearer ${pat}` } });
  /** Who the site served a request as (X-AUSERNAME is on every response), and how. */
  const servedAs = async (options: SimRequest) => {
    const res = await call(`${sim.baseUrl}${probe}`, options);
    return {
      status: res.status,
      user: res.headers['x-ausername'],
      how: sim.state.requests.at(-1)?.authMethod,
    };
  };
  const create = (user: string, body: unknown, extra: SimRequest = {}) =>
    call(tokens(), { basic: [user, user], body, ...extra });

  beforeAll(async () => {
    sim = await startSimulator({ flavour, contextPath, now: () => new Date(clock) });
  });
  afterAll(() => sim.close());
  afterEach(() => {
    for (const user of ['admin', 'alice', 'bob', 'carol']) {
      for (const r of sim.state.personalAccessTokens(user)) sim.state.revokePersonalAccessToken(user, r.id);
    }
    Object.assign(sim.state.pats.settings, {
      enabled: true,
      eternalTokensEnabled: true,
      invalidateSession: true,
    });
  });

  describe('the REST API', () => {
    it('creates a token for the caller and shows the raw token only in the 201 answer', async () => {
      const res = await create('alice', { name: 'ci', expirationDuration: 90 });
      expect(res.status).toBe(201);
      expect(Object.keys(res.json).sort()).toEqual(['createdAt', 'expiringAt', 'id', 'name', 'rawToken']);
      expect(res.json).toMatchObject({ id: expect.any(Number), name: 'ci' });
      expect(Date.parse(res.json.expiringAt) - Date.parse(res.json.createdAt)).toBe(90 * DAY);
      // Base64 of `<12 digits>:<20 random bytes>`: 44 characters starting with M, N or O.
      expect(res.json.rawToken).toMatch(/^[MNO][A-Za-z0-9+/]{43}$/);
      expect(Buffer.from(res.json.rawToken, 'base64').toString('latin1')).toMatch(/^\d{12}:/);

      const list = await call(tokens(), { basic: ['alice', 'alice'] });
      expect(list.json).toEqual([
        { id: res.json.id, name: 'ci', createdAt: res.json.createdAt, expiringAt: res.json.expiringAt },
      ]);
      const one = await call(tokens(`/${res.json.id}`), { basic: ['alice', 'alice'] });
      expect(one.json).not.toHaveProperty('rawToken');
      // Only a hash is kept.
      expect(JSON.stringify(sim.state.pats.all())).not.toContain(res.json.rawToken);
      expect(await servedAs(bearer(res.json.rawToken))).toMatchObject({
        status: 200,
        user: 'alice',
        how: 'bearer',
      });
    });

    it('a token without expirationDuration never expires, unless the site requires an expiry', async () => {
      const eternal = await create('alice', { name: 'forever' });
      expect(eternal.status).toBe(201);
      expect(eternal.json).not.toHaveProperty('expiringAt');
      sim.state.pats.settings.eternalTokensEnabled = false;
      const refused = await create('alice', { name: 'forever', expirationDuration: null });
      expect(refused.status).toBe(400);
      expect(Object.keys(refused.json).sort()).toEqual(['error', 'exception']);
    });

    it('answers 400 for a blank or long name, an expiry outside 1–365 days, or a body that is no JSON object', async () => {
      const bad: unknown[] = [
        { name: '', expirationDuration: 30 },
        { name: '   ', expirationDuration: 30 },
        { name: 'x'.repeat(41), expirationDuration: 30 },
        { expirationDuration: 30 },
        { name: 'ci', expirationDuration: 0 },
        { name: 'ci', expirationDuration: 366 },
        { name: 'ci', expirationDuration: 1.5 },
        { name: 'ci', expirationDuration: '30' },
        ['ci'],
      ];
      for (const body of bad) {
        const res = await create('bob', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.json).toEqual({ exception: expect.any(String), error: expect.any(String) });
      }
      const form = await call(tokens(), {
        basic: ['bob', 'bob'],
        form: { name: 'ci' },
        headers: { 'X-Atlassian-Token': 'no-check' },
      });
      expect(form.status).toBe(400);
      expect(sim.state.personalAccessTokens('bob')).toEqual([]);
      expect((await create('bob', { name: 'x'.repeat(40), expirationDuration: 365 })).status).toBe(201);
    });

    it('allows 10 per user, then 403; expired tokens count until pruned 30 days after expiry', async () => {
      for (let i = 0; i < 10; i++)
        expect((await create('carol', { name: `t${i}`, expirationDuration: 1 })).status).toBe(201);
      const over = await create('carol', { name: 'eleven', expirationDuration: 1 });
      expect(over.status).toBe(403);
      expect(over.json).toEqual({ exception: expect.any(String), error: expect.any(String) });
      expect((await create('bob', { name: 'others are not affected' })).status).toBe(201);

      clock += 2 * DAY;
      expect((await call(tokens(), { basic: ['carol', 'carol'] })).json).toHaveLength(10);
      expect((await create('carol', { name: 'eleven', expirationDuration: 1 })).status).toBe(403);
      clock += 28 * DAY;
      expect((await create('carol', { name: 'eleven', expirationDuration: 1 })).status).toBe(403);
      clock += 1 * DAY;
      expect((await call(tokens(), { basic: ['carol', 'carol'] })).json).toEqual([]);
      expect((await create('carol', { name: 'eleven', expirationDuration: 1 })).status).toBe(201);
    });

    it('GET and DELETE /tokens/{id} are for the owner or an admin; anonymous callers get 401', async () => {
      const { json: made } = await create('alice', { name: 'mine', expirationDuration: 30 });
      const asCarol = await call(tokens(`/${made.id}`), { basic: ['carol', 'carol'] });
      expect(asCarol.status).toBe(401);
      expect(asCarol.json.error).toBe('Requesting user is unauthorized to perform this operation');
      expect(
        (await call(tokens(`/${made.id}`), { basic: ['carol', 'carol'], method: 'DELETE' })).status,
      ).toBe(401);
      expect((await call(tokens(`/${made.id}`), { basic: ['admin', 'admin'] })).json.name).toBe('mine');
      expect((await call(tokens())).status).toBe(401);
      expect((await call(tokens('/999999'), { basic: ['alice', 'alice'] })).status).toBe(404);

      expect(
        (await call(tokens(`/${made.id}`), { basic: ['admin', 'admin'], method: 'DELETE' })).status,
      ).toBe(204);
      expect(await servedAs(bearer(made.rawToken))).toMatchObject({ user: 'anonymous', how: 'anonymous' });
      const second = await create('alice', { name: 'second', expirationDuration: 30 });
      expect(
        (await call(tokens(`/${second.json.id}`), { basic: ['alice', 'alice'], method: 'DELETE' })).status,
      ).toBe(204);
    });

    it('nobody creates a token for someone else: an admin’s POST makes the admin’s own token', async () => {
      const res = await create('admin', { name: 'for alice?', expirationDuration: 30, user: 'alice' });
      expect(await servedAs(bearer(res.json.rawToken))).toMatchObject({ user: 'admin' });
      expect(sim.state.personalAccessTokens('alice')).toEqual([]);
    });

    it('a PAT may create further PATs for its owner', async () => {
      const first = await create('bob', { name: 'first', expirationDuration: 30 });
      const second = await call(tokens(), {
        ...bearer(first.json.rawToken),
        body: { name: 'rotated', expirationDuration: 30 },
      });
      expect(second.status).toBe(201);
      expect(await servedAs(bearer(second.json.rawToken))).toMatchObject({ user: 'bob', how: 'bearer' });
    });

    it('administrators revoke in bulk with DELETE /admin/tokens; others get 401', async () => {
      const a = await create('alice', { name: 'a', expirationDuration: 30 });
      const b = await create('bob', { name: 'b', expirationDuration: 30 });
      const url = `${sim.baseUrl}/rest/pat/latest/admin/tokens`;
      const body = [a.json.id, b.json.id];
      expect((await call(url, { method: 'DELETE', basic: ['alice', 'alice'], body })).status).toBe(401);
      expect((await call(url, { method: 'DELETE', basic: ['admin', 'admin'], body })).status).toBe(204);
      expect(sim.state.pats.all()).toEqual([]);
    });

    it('with the feature off the resource is gone (404) and no PAT authenticates', async () => {
      const { json: made } = await create('alice', { name: 'ci', expirationDuration: 30 });
      sim.state.pats.settings.enabled = false;
      expect((await create('alice', { name: 'ci', expirationDuration: 30 })).status).toBe(404);
      expect(await servedAs(bearer(made.rawToken))).toMatchObject({ user: 'anonymous' });
    });
  });

  describe('Bearer authentication', () => {
    it('a bad, expired, revoked or deactivated user’s PAT is anonymous, never a 401 of its own', async () => {
      const { json: good } = await create('alice', { name: 'ci', expirationDuration: 5 });
      const altered = `${good.rawToken.slice(0, -4)}AAAA`;
      for (const pat of [altered, 'not-a-pat', `${good.rawToken}=`]) {
        expect(await servedAs(bearer(pat))).toEqual({ status: 200, user: 'anonymous', how: 'anonymous' });
      }
      expect(sim.state.failedLoginCount('alice')).toBe(0);

      sim.state.setActive('alice', false);
      expect(await servedAs(bearer(good.rawToken))).toMatchObject({ status: 200, user: 'anonymous' });
      sim.state.setActive('alice', true);

      clock += 5 * DAY;
      expect(await servedAs(bearer(good.rawToken))).toMatchObject({ status: 200, user: 'anonymous' });

      const { json: fresh } = await create('alice', { name: 'fresh', expirationDuration: 5 });
      expect(await servedAs(bearer(fresh.rawToken))).toMatchObject({ user: 'alice' });
      // Revoked "on the site", as alice does on her profile page.
      expect(sim.state.revokePersonalAccessToken('alice', fresh.id)).toBe(true);
      expect(await servedAs(bearer(fresh.rawToken))).toMatchObject({ status: 200, user: 'anonymous' });
    });

    it('only `Bearer <token>` counts: a PAT as a Basic password is a failed login, extra parts are ignored', async () => {
      const { json: made } = await create('bob', { name: 'ci', expirationDuration: 5 });
      expect(await servedAs({ headers: { Authorization: `  Bearer ${made.rawToken}  ` } })).toMatchObject({
        user: 'bob',
      });
      expect(await servedAs({ headers: { Authorization: `Bearer ${made.rawToken} extra` } })).toMatchObject({
        user: 'anonymous',
      });
      const basic = await servedAs({ basic: ['bob', made.rawToken] });
      expect(basic.status).toBe(401);
      expect(sim.state.failedLoginCount('bob')).toBe(1);
      sim.state.resetFailedLogins();
    });

    it('a PAT request ends the session its JSESSIONID names; a bad PAT leaves it to the cookie (inferred)', async () => {
      const { json: made } = await create('carol', { name: 'ci', expirationDuration: 5 });
      const login = await formLogin(sim.baseUrl, flavour.startsWith('jira') ? 'jira' : 'confluence', 'alice');
      const cookie = login.cookie as string;
      expect(await servedAs({ cookie, ...bearer('not-a-pat') })).toMatchObject({
        user: 'alice',
        how: 'session',
      });
      expect(await servedAs({ cookie, ...bearer(made.rawToken) })).toMatchObject({
        user: 'carol',
        how: 'bearer',
      });
      expect(await servedAs({ cookie })).toMatchObject({ user: 'anonymous' });

      sim.state.pats.settings.invalidateSession = false;
      const again = (
        await formLogin(sim.baseUrl, flavour.startsWith('jira') ? 'jira' : 'confluence', 'alice')
      ).cookie as string;
      await servedAs({ cookie: again, ...bearer(made.rawToken) });
      expect(await servedAs({ cookie: again })).toMatchObject({ user: 'alice' });
    });

    it('a PAT belongs to the user key: it follows a rename, and dies with its deleted user', async () => {
      sim.state.directory.add('erin');
      const pat = sim.state.createPersonalAccessToken('erin', { name: 'ci', expirationDuration: 5 });
      sim.state.directory.rename('erin', 'erin.new');
      expect(await servedAs(bearer(pat))).toMatchObject({ user: 'erin.new', how: 'bearer' });
      sim.state.deleteUser('erin.new');
      sim.state.directory.add('erin.new');
      expect(await servedAs(bearer(pat))).toMatchObject({ user: 'anonymous', how: 'anonymous' });
      expect(sim.state.personalAccessTokens('erin.new')).toEqual([]);
      sim.state.deleteUser('erin.new');
    });

    it('a stock site trusts no identity header from any peer', async () => {
      for (const localAddress of ['127.0.0.1', '127.0.0.2']) {
        const res = await servedAs({ localAddress, headers: { 'X-Forwarded-User': 'admin' } });
        expect(res).toMatchObject({ user: 'anonymous', how: 'anonymous' });
      }
    });
  });

  describe('XSRF when creating with a session cookie', () => {
    let cookie: string;
    beforeAll(async () => {
      cookie = (await formLogin(sim.baseUrl, flavour.startsWith('jira') ? 'jira' : 'confluence', 'bob'))
        .cookie as string;
    });
    const post = (headers: Record<string, string>, extra: SimRequest = {}) =>
      call(tokens(), { cookie, body: { name: 'api-token-auth', expirationDuration: 30 }, headers, ...extra });

    it('a server-side JSON POST with a non-browser User-Agent passes, with or without no-check', async () => {
      expect((await post({ 'User-Agent': 'api-token-auth/1', 'X-Atlassian-Token': 'no-check' })).status).toBe(
        201,
      );
      expect((await post({ 'User-Agent': 'api-token-auth/1' })).status).toBe(201);
    });

    it('a form-like POST without X-Atlassian-Token: no-check fails the check', async () => {
      const res = await call(tokens(), { cookie, form: { name: 'x' }, headers: { 'User-Agent': 'curl/8' } });
      expect(res.status).toBe(403);
      expect(res.text).toBe('XSRF check failed');
      const none = await call(tokens(), { cookie, method: 'POST', headers: { 'User-Agent': 'curl/8' } });
      expect(none.status).toBe(403);
    });

    it('a browser User-Agent needs a same-origin Origin or Referer, or a chrome-extension:// origin', async () => {
      const noCheck = { 'User-Agent': BROWSER, 'X-Atlassian-Token': 'no-check' };
      expect((await post(noCheck)).status).toBe(403);
      expect((await post({ ...noCheck, Origin: 'http://evil.example' })).status).toBe(403);
      expect((await post({ ...noCheck, Origin: 'moz-extension://0b1f6c9e' })).status).toBe(403);
      expect((await post({ ...noCheck, Origin: sim.origin })).status).toBe(201);
      expect((await post({ ...noCheck, Referer: `${sim.baseUrl}/secure/ViewProfile.jspa` })).status).toBe(
        201,
      );
      expect((await post({ ...noCheck, Origin: 'chrome-extension://abcdefghijklmnop' })).status).toBe(201);
    });

    it('Basic and Bearer requests carry no ambient credential and are not checked', async () => {
      const res = await call(tokens(), {
        basic: ['bob', 'bob'],
        body: { name: 'script', expirationDuration: 30 },
        headers: { 'User-Agent': BROWSER },
      });
      expect(res.status).toBe(201);
    });
  });
});
