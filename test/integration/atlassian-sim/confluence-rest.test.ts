import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { call } from './client.ts';

// Confluence's REST shapes as the companion reads them, under a context path.
let sim: Simulator;
const api = (path: string) => `${sim.baseUrl}/rest/api${path}`;
const asAdmin: [string, string] = ['admin', 'admin'];

beforeAll(async () => {
  sim = await startSimulator({ flavour: 'confluence8', contextPath: '/confluence' });
});
afterAll(() => sim.close());

function expectKnownUser(user: Record<string, unknown>, username: string) {
  expect(user).toMatchObject({
    type: 'known',
    username,
    userKey: expect.stringMatching(/^[0-9a-f]{32}$/),
    profilePicture: {
      path: expect.stringMatching(/^\/confluence\//),
      width: 48,
      height: 48,
      isDefault: true,
    },
    displayName: expect.any(String),
    _links: {
      base: sim.baseUrl,
      context: '/confluence',
      self: expect.stringContaining('/rest/api/user?key='),
    },
    _expandable: { status: '' },
  });
}

function expectGroupPage(body: Record<string, unknown>) {
  expect(body).toMatchObject({
    start: 0,
    limit: expect.any(Number),
    size: expect.any(Number),
    _links: expect.any(Object),
  });
  for (const group of body.results as unknown[]) {
    expect(group).toEqual({ type: 'group', name: expect.any(String), _links: { self: expect.any(String) } });
  }
}

describe('Confluence REST', () => {
  it('GET /user/current: known with Basic, anonymous without', async () => {
    const alice = await call(api('/user/current'), { basic: ['alice', 'alice'] });
    expect(alice.headers['x-ausername']).toBe('alice');
    expectKnownUser(alice.json, 'alice');
    const anonymous = await call(api('/user/current'));
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers['x-ausername']).toBe('anonymous');
    expect(anonymous.json).toMatchObject({ type: 'anonymous', displayName: expect.any(String) });
    expect(anonymous.json.username).toBeUndefined();
  });

  it('GET /user by username and key, 404 in Confluence error shape for an unknown one', async () => {
    const bob = await call(api('/user?username=bob'), { basic: asAdmin });
    expectKnownUser(bob.json, 'bob');
    const byKey = await call(api(`/user?key=${bob.json.userKey}`), { basic: asAdmin });
    expect(byKey.json.username).toBe('bob');
    const missing = await call(api('/user?username=nobody'), { basic: asAdmin });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({
      statusCode: 404,
      message: expect.stringContaining('nobody'),
      reason: 'Not Found',
    });
  });

  it('GET /user/memberof lists groups in a results page', async () => {
    const res = await call(api('/user/memberof?username=admin'), { basic: asAdmin });
    expectGroupPage(res.json);
    expect(res.json.results.map((g: { name: string }) => g.name)).toEqual([
      'confluence-administrators',
      'confluence-users',
    ]);
    expect(res.json.size).toBe(2);
  });

  it('GET /group pages all groups; /group/{name}/member lists users', async () => {
    const groups = await call(api('/group?limit=2'), { basic: asAdmin });
    expectGroupPage(groups.json);
    expect(groups.json.size).toBe(2);
    expect(groups.json._links.next).toContain('start=2');
    const members = await call(api('/group/developers/member'), { basic: asAdmin });
    expect(members.json.results.map((u: { username: string }) => u.username)).toEqual([
      'alice',
      'bob',
      'dave',
    ]);
    expectKnownUser(members.json.results[0], 'alice');
    expect((await call(api('/group/nope/member'), { basic: asAdmin })).status).toBe(404);
  });

  it('GET /search/user answers 404 as Data Center does (the resource is Cloud only)', async () => {
    const res = await call(api('/search/user?cql=user.fullname~alice'), { basic: asAdmin });
    expect(res.status).toBe(404);
    expect(res.json.statusCode).toBe(404);
  });

  it('GET/PUT /content/{id} report who called in _sim', async () => {
    const res = await call(api('/content/65601'), { basic: ['carol', 'carol'] });
    expect(res.json).toMatchObject({
      id: '65601',
      type: 'page',
      status: 'current',
      title: 'Home',
      space: { key: 'DEMO' },
      version: { number: 1 },
      _links: { base: sim.baseUrl, context: '/confluence', webui: '/display/DEMO/Home' },
      _sim: { user: 'carol', authMethod: 'basic' },
    });
    const put = await call(api('/content/65602'), {
      method: 'PUT',
      basic: ['bob', 'bob'],
      body: { title: 'Release notes 2', version: { number: 2 }, type: 'page' },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      title: 'Release notes 2',
      version: { number: 2 },
      _sim: { user: 'bob' },
    });
    expect((await call(api('/content/1'), { basic: ['bob', 'bob'] })).status).toBe(404);
    const anonymous = await call(api('/content/65601'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toMatchObject({ statusCode: 401, reason: 'Unauthorized' });
  });

  it('a wrong Basic password is 401 and counts as a failed login', async () => {
    const res = await call(api('/user/current'), { basic: ['bob', 'wrong'] });
    expect(res.status).toBe(401);
    expect(sim.state.failedLoginCount('bob')).toBe(1);
    sim.state.resetFailedLogins();
    expect(sim.state.failedLoginCount('bob')).toBe(0);
  });
});
