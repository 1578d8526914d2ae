import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { call } from './client.ts';

// Jira's REST shapes as the companion reads them: field names and types, error bodies, X-AUSERNAME.
let sim: Simulator;
const api = (path: string) => `${sim.baseUrl}/rest/api/2${path}`;
const asAdmin: [string, string] = ['admin', 'admin'];

beforeAll(async () => {
  sim = await startSimulator({ flavour: 'jira9' });
});
afterAll(() => sim.close());

function expectUserBean(user: Record<string, unknown>) {
  expect(user).toMatchObject({
    self: expect.stringMatching(/\/rest\/api\/2\/user\?username=/),
    key: expect.any(String),
    name: expect.any(String),
    emailAddress: expect.any(String),
    displayName: expect.any(String),
    active: expect.any(Boolean),
    deleted: false,
    timeZone: expect.any(String),
    locale: expect.any(String),
  });
  expect(Object.keys(user.avatarUrls as object).sort()).toEqual(['16x16', '24x24', '32x32', '48x48']);
}

describe('Jira REST identity resources', () => {
  it('GET /myself without expand fills groups.size but not items', async () => {
    const res = await call(api('/myself'), { basic: ['alice', 'alice'] });
    expect(res.status).toBe(200);
    expect(res.headers['x-ausername']).toBe('alice');
    expectUserBean(res.json);
    expect(res.json.key).toMatch(/^JIRAUSER\d+$/);
    expect(res.json.groups).toEqual({ size: 2, items: [] });
    expect(res.json.applicationRoles.size).toBe(1);
    expect(res.json.expand).toBe('groups,applicationRoles');
  });

  it('GET /myself?expand=groups lists the groups with their self links', async () => {
    const res = await call(api('/myself?expand=groups'), { basic: asAdmin });
    expect(res.json.key).toBe('admin');
    expect(res.json.groups.items).toEqual([
      { name: 'jira-administrators', self: `${sim.baseUrl}/rest/api/2/group?groupname=jira-administrators` },
      { name: 'jira-software-users', self: `${sim.baseUrl}/rest/api/2/group?groupname=jira-software-users` },
    ]);
  });

  it('GET /myself anonymously is 401 with Jira error body and X-AUSERNAME anonymous', async () => {
    const res = await call(api('/myself'));
    expect(res.status).toBe(401);
    expect(res.headers['x-ausername']).toBe('anonymous');
    expect(res.json).toEqual({ errorMessages: [expect.any(String)], errors: {} });
  });

  it('GET /user by username and by key; 404 for an unknown user; deactivated users are reported inactive', async () => {
    const byName = await call(api('/user?username=bob&expand=groups'), { basic: asAdmin });
    expectUserBean(byName.json);
    expect(byName.json.groups.items.map((g: { name: string }) => g.name)).toEqual([
      'developers',
      'jira-software-users',
    ]);
    const byKey = await call(api(`/user?key=${byName.json.key}`), { basic: asAdmin });
    expect(byKey.json.name).toBe('bob');
    const dave = await call(api('/user?username=dave'), { basic: asAdmin });
    expect(dave.json.active).toBe(false);
    const missing = await call(api('/user?username=nobody'), { basic: asAdmin });
    expect(missing.status).toBe(404);
    expect(missing.json.errorMessages[0]).toContain('nobody');
  });

  it('GET /user/search returns an array of user beans, active only unless asked', async () => {
    const res = await call(api('/user/search?username=a&maxResults=100'), { basic: asAdmin });
    expect(Array.isArray(res.json)).toBe(true);
    for (const user of res.json) expectUserBean(user);
    expect(res.json.map((u: { name: string }) => u.name)).toEqual(['admin', 'alice']);
    const inactive = await call(api('/user/search?username=dave&includeInactive=true'), { basic: asAdmin });
    expect(inactive.json.map((u: { name: string }) => u.name)).toEqual(['dave']);
  });

  it('GET /mypermissions tells administrators from others, and ignores the permissions= parameter', async () => {
    const admin = await call(api('/mypermissions?permissions=ADMINISTER'), { basic: asAdmin });
    expect(admin.json.permissions.ADMINISTER).toEqual({
      id: '0',
      key: 'ADMINISTER',
      name: expect.any(String),
      type: 'GLOBAL',
      description: expect.any(String),
      havePermission: true,
    });
    expect(admin.json.permissions.SYSTEM_ADMIN).toMatchObject({ id: '44', havePermission: true });
    const alice = await call(api('/mypermissions'), { basic: ['alice', 'alice'] });
    expect(alice.json.permissions.ADMINISTER.havePermission).toBe(false);
    expect(alice.json.permissions.SYSTEM_ADMIN.havePermission).toBe(false);
  });

  it('GET /groups/picker answers header, total and groups with html and labels', async () => {
    const res = await call(api('/groups/picker?query=dev'), { basic: asAdmin });
    expect(res.json).toEqual({
      header: 'Showing 1 of 1 matching groups',
      total: 1,
      groups: [{ name: 'developers', html: '<b>dev</b>elopers', labels: [] }],
    });
  });

  it('GET /group/member pages the members; admin only; 404 for an unknown group', async () => {
    const res = await call(api('/group/member?groupname=developers'), { basic: asAdmin });
    expect(res.json).toMatchObject({
      maxResults: 50,
      startAt: 0,
      total: 2,
      isLast: true,
      self: expect.any(String),
    });
    expect(res.json.values.map((u: { name: string }) => u.name)).toEqual(['alice', 'bob']);
    const withInactive = await call(api('/group/member?groupname=developers&includeInactiveUsers=true'), {
      basic: asAdmin,
    });
    expect(withInactive.json.total).toBe(3);
    expect((await call(api('/group/member?groupname=developers'), { basic: ['bob', 'bob'] })).status).toBe(
      403,
    );
    expect((await call(api('/group/member?groupname=nope'), { basic: asAdmin })).status).toBe(404);
  });

  it('GET /serverInfo is public and names the version', async () => {
    const res = await call(api('/serverInfo'));
    expect(res.json).toMatchObject({
      baseUrl: sim.baseUrl,
      version: '10.3.6',
      versionNumbers: [10, 3, 6],
      deploymentType: 'Server',
      buildNumber: expect.any(Number),
      serverTitle: 'Jira',
    });
  });

  it('group changes through state show up in REST', async () => {
    sim.state.addToGroup('carol', 'developers');
    const res = await call(api('/myself?expand=groups'), { basic: ['carol', 'carol'] });
    expect(res.json.groups.items.map((g: { name: string }) => g.name)).toContain('developers');
    sim.state.removeFromGroup('carol', 'developers');
    const after = await call(api('/myself?expand=groups'), { basic: ['carol', 'carol'] });
    expect(after.json.groups.items.map((g: { name: string }) => g.name)).not.toContain('developers');
  });
});

describe('Jira REST session resource', () => {
  it('POST creates a session cookie that authenticates, GET describes it, DELETE ends it', async () => {
    const login = await call(`${sim.baseUrl}/rest/auth/1/session`, {
      body: { username: 'alice', password: 'alice' },
    });
    expect(login.status).toBe(200);
    expect(login.json).toMatchObject({
      session: { name: 'JSESSIONID', value: expect.stringMatching(/^[0-9A-F]{32}$/) },
      loginInfo: { failedLoginCount: 0, loginCount: expect.any(Number) },
    });
    expect(login.cookies.JSESSIONID).toBe(login.json.session.value);
    const cookie = `JSESSIONID=${login.json.session.value}`;
    const current = await call(`${sim.baseUrl}/rest/auth/1/session`, { cookie });
    expect(current.json).toMatchObject({
      name: 'alice',
      self: expect.any(String),
      loginInfo: expect.any(Object),
    });
    expect((await call(`${sim.baseUrl}/rest/auth/1/session`, { method: 'DELETE', cookie })).status).toBe(204);
    expect((await call(`${sim.baseUrl}/rest/auth/1/session`, { cookie })).status).toBe(401);
  });

  it('a wrong password is 401 "Login failed" with X-Seraph-LoginReason', async () => {
    const res = await call(`${sim.baseUrl}/rest/auth/1/session`, {
      body: { username: 'bob', password: 'nope' },
    });
    expect(res.status).toBe(401);
    expect(res.headers['x-seraph-loginreason']).toBe('AUTHENTICATED_FAILED');
    expect(res.json).toEqual({ errorMessages: ['Login failed'], errors: {} });
    sim.state.resetFailedLogins('bob');
  });
});

describe('Jira issues report who called', () => {
  it('GET and POST /issue/{key} carry _sim with user and auth method', async () => {
    const get = await call(api('/issue/DEMO-1'), { basic: ['alice', 'alice'] });
    expect(get.json).toMatchObject({ id: '10000', key: 'DEMO-1', fields: { summary: expect.any(String) } });
    expect(get.json._sim).toEqual({ user: 'alice', authMethod: 'basic' });
    const post = await call(api('/issue/DEMO-2'), {
      basic: ['bob', 'bob'],
      body: { fields: { summary: 'Renamed' } },
    });
    expect(post.status).toBe(200);
    expect(post.json.fields.summary).toBe('Renamed');
    expect(post.json._sim).toEqual({ user: 'bob', authMethod: 'basic' });
    expect((await call(api('/issue/NOPE-9'), { basic: ['bob', 'bob'] })).status).toBe(404);
    const anonymous = await call(api('/issue/DEMO-1'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.errorMessages).toContain('Login Required');
  });

  it('logs REST calls with user and auth method', async () => {
    await call(api('/issue/DEMO-1'), { basic: ['alice', 'alice'] });
    expect(sim.state.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/rest/api/2/issue/DEMO-1',
      user: 'alice',
      authMethod: 'basic',
      status: 200,
    });
  });

  it('a cookie-authenticated form post without X-Atlassian-Token fails the XSRF check', async () => {
    const login = await call(`${sim.baseUrl}/rest/auth/1/session`, {
      body: { username: 'alice', password: 'alice' },
    });
    const cookie = `JSESSIONID=${login.json.session.value}`;
    const blocked = await call(api('/issue/DEMO-1/comment'), { cookie, form: { body: 'hi' } });
    expect(blocked.status).toBe(403);
    expect(blocked.text).toContain('XSRF check failed');
    const allowed = await call(api('/issue/DEMO-1/comment'), { cookie, body: { body: 'hi' } });
    expect(allowed.status).toBe(201);
    expect(allowed.json._sim).toEqual({ user: 'alice', authMethod: 'session' });
  });
});
