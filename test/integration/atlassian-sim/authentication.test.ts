import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILURES, type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { call, formLogin } from './client.ts';

// How the site authenticates REST and page requests: failed-login counting and the CAPTCHA state, deactivated
// users, personal access tokens, and the identity header that only a trusted proxy may send.
let jira: Simulator;
let confluence: Simulator;

beforeAll(async () => {
  jira = await startSimulator({ flavour: 'jira9', contextPath: '/jira', trustedProxies: ['127.0.0.2'] });
  confluence = await startSimulator({ flavour: 'confluence7', trustedProxies: ['127.0.0.0/30'] });
});
afterAll(async () => {
  await jira.close();
  await confluence.close();
});

const myself = () => `${jira.baseUrl}/rest/api/2/myself`;

describe('failed logins and the CAPTCHA state', () => {
  it(`after ${MAX_FAILURES} wrong passwords even the right one is denied with CAPTCHA_CHALLENGE until reset`, async () => {
    for (let i = 1; i <= MAX_FAILURES; i++) {
      const res = await call(myself(), { basic: ['alice', 'wrong'] });
      expect(res.status).toBe(401);
      expect(res.headers['x-seraph-loginreason']).toBe('AUTHENTICATED_FAILED');
      expect(jira.state.failedLoginCount('alice')).toBe(i);
    }
    const denied = await call(myself(), { basic: ['alice', 'alice'] });
    expect(denied.status).toBe(403);
    expect(denied.headers['x-seraph-loginreason']).toBe('AUTHENTICATION_DENIED');
    expect(denied.headers['x-authentication-denied-reason']).toBe(
      `CAPTCHA_CHALLENGE; login-url=${jira.baseUrl}/login.jsp`,
    );
    const session = await call(`${jira.baseUrl}/rest/auth/1/session`, {
      body: { username: 'alice', password: 'alice' },
    });
    expect(session.status).toBe(403);
    expect(session.json.errorMessages).toEqual(['Login denied']);
    const form = await formLogin(jira.baseUrl, 'jira', 'alice');
    expect(form.cookie).toBeUndefined();
    expect(form.res.text).toContain('CAPTCHA');

    jira.state.resetFailedLogins('alice');
    expect(jira.state.failedLoginCount('alice')).toBe(0);
    expect((await call(myself(), { basic: ['alice', 'alice'] })).status).toBe(200);
  });

  it('the login form shows a CAPTCHA question; the right answer with the password logs in and resets the count', async () => {
    for (let i = 0; i < MAX_FAILURES; i++) await formLogin(jira.baseUrl, 'jira', 'bob', 'wrong');
    const challenge = await formLogin(jira.baseUrl, 'jira', 'bob');
    const question = /what is (\d+) \+ (\d+)\?/.exec(challenge.res.text);
    expect(question).not.toBeNull();
    const answer = String(Number(question?.[1]) + Number(question?.[2]));
    const res = await call(`${jira.baseUrl}/login.jsp`, {
      form: { os_username: 'bob', os_password: 'bob', os_captcha: answer, os_destination: '/browse/DEMO-1' },
    });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/jira/browse/DEMO-1');
    expect(res.cookies.JSESSIONID).toMatch(/^[0-9A-F]{32}$/);
    expect(jira.state.failedLoginCount('bob')).toBe(0);
  });

  it('a successful login resets the counter; a good session survives failures of others', async () => {
    await call(myself(), { basic: ['carol', 'wrong'] });
    expect(jira.state.failedLoginCount('carol')).toBe(1);
    expect((await call(myself(), { basic: ['carol', 'carol'] })).status).toBe(200);
    expect(jira.state.failedLoginCount('carol')).toBe(0);
  });

  it('deactivated dave cannot log in by form, REST session or Basic', async () => {
    expect((await formLogin(jira.baseUrl, 'jira', 'dave')).cookie).toBeUndefined();
    expect(
      (await call(`${jira.baseUrl}/rest/auth/1/session`, { body: { username: 'dave', password: 'dave' } }))
        .status,
    ).toBe(401);
    expect((await call(myself(), { basic: ['dave', 'dave'] })).status).toBe(401);
    jira.state.resetFailedLogins('dave');
  });

  it('deactivating a logged-in user ends the session', async () => {
    const { cookie } = await formLogin(jira.baseUrl, 'jira', 'carol');
    expect((await call(myself(), { cookie })).status).toBe(200);
    jira.state.setActive('carol', false);
    expect((await call(myself(), { cookie })).status).toBe(401);
    jira.state.setActive('carol', true);
  });

  it('Confluence: wrong Basic → 401 counted; CAPTCHA state after three', async () => {
    const api = `${confluence.baseUrl}/rest/api/user/current`;
    for (let i = 0; i < MAX_FAILURES; i++)
      expect((await call(api, { basic: ['bob', 'x'] })).status).toBe(401);
    const denied = await call(api, { basic: ['bob', 'bob'] });
    expect(denied.status).toBe(403);
    expect(denied.headers['x-seraph-loginreason']).toBe('AUTHENTICATION_DENIED');
    confluence.state.resetFailedLogins();
    expect((await call(api, { basic: ['bob', 'bob'] })).json.username).toBe('bob');
  });
});

describe('personal access tokens', () => {
  // The PAT API, limits and the anonymous treatment of bad tokens are pinned in pat.test.ts.
  it('Bearer <PAT> authenticates as its owner; an unknown one is anonymous and counts no failed login', async () => {
    const pat = jira.state.createPersonalAccessToken('alice');
    expect(pat).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    const res = await call(`${jira.baseUrl}/rest/api/2/issue/DEMO-1`, {
      headers: { Authorization: `Bearer ${pat}` },
    });
    expect(res.json._sim).toEqual({ user: 'alice', authMethod: 'bearer' });
    const bad = await call(myself(), { headers: { Authorization: `Bearer ${pat.slice(0, -4)}AAAA` } });
    expect(bad.status).toBe(401);
    expect(bad.headers['x-ausername']).toBe('anonymous');
    expect(jira.state.requests.at(-1)).toMatchObject({ authMethod: 'anonymous', authorization: 'bearer' });
    expect(jira.state.failedLoginCount('alice')).toBe(0);
  });
});

describe('identity header from trusted proxies only', () => {
  const issue = () => `${jira.baseUrl}/rest/api/2/issue/DEMO-1`;

  it('X-Forwarded-User from 127.0.0.2 (trusted) authenticates that user', async () => {
    const res = await call(issue(), { localAddress: '127.0.0.2', headers: { 'X-Forwarded-User': 'bob' } });
    expect(res.status).toBe(200);
    expect(res.headers['x-ausername']).toBe('bob');
    expect(res.json._sim).toEqual({ user: 'bob', authMethod: 'header' });
    expect(jira.state.requests.at(-1)).toMatchObject({ user: 'bob', authMethod: 'header', ip: '127.0.0.2' });
  });

  it('the same header from 127.0.0.1 is ignored: the request stays anonymous', async () => {
    const res = await call(issue(), { localAddress: '127.0.0.1', headers: { 'X-Forwarded-User': 'admin' } });
    expect(res.status).toBe(401);
    expect(res.headers['x-ausername']).toBe('anonymous');
    expect(jira.state.requests.at(-1)).toMatchObject({ user: null, authMethod: 'anonymous' });
  });

  it('a trusted proxy cannot assert a deactivated or unknown user', async () => {
    for (const user of ['dave', 'mallory']) {
      const res = await call(myself(), { localAddress: '127.0.0.2', headers: { 'X-Forwarded-User': user } });
      expect(res.status).toBe(401);
    }
  });

  it('CIDR entries work (Confluence trusts 127.0.0.0/30)', async () => {
    const api = `${confluence.baseUrl}/rest/api/content/65601`;
    const trusted = await call(api, { localAddress: '127.0.0.3', headers: { 'X-Forwarded-User': 'carol' } });
    expect(trusted.json._sim).toEqual({ user: 'carol', authMethod: 'header' });
    const outside = await call(api, { localAddress: '127.0.0.5', headers: { 'X-Forwarded-User': 'carol' } });
    expect(outside.status).toBe(401);
  });
});

describe('context path', () => {
  it('serves everything under /jira and nothing outside it', async () => {
    expect(jira.baseUrl).toBe(`${jira.origin}/jira`);
    expect((await call(`${jira.origin}/rest/api/2/serverInfo`)).status).toBe(404);
    const root = await call(`${jira.baseUrl}/`);
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/jira/secure/Dashboard.jspa');
    const { res } = await formLogin(jira.baseUrl, 'jira', 'alice');
    expect(res.headers['set-cookie']?.[0]).toMatch(/path=\/jira;.*httponly/i);
    const info = await call(`${jira.baseUrl}/rest/api/2/serverInfo`);
    expect(info.json.baseUrl).toBe(jira.baseUrl);
  });

  it('a post-login destination outside the site is not followed', async () => {
    const res = await call(`${jira.baseUrl}/login.jsp`, {
      form: { os_username: 'alice', os_password: 'alice', os_destination: '//evil.example/' },
    });
    expect(res.headers.location).toBe('/jira/secure/Dashboard.jspa');
  });
});
