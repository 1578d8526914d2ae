import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../../server/routes/index.ts';
import {
  api,
  DATABASES,
  type Harness,
  DEFAULT_PERMISSIONS as PERMISSIONS,
  DEFAULT_SETTINGS as SETTINGS,
  startHarness,
} from './harness.ts';

// Every administration route of the route table, made concrete, with a body an administrator
// could send: a route added later is covered without touching this list.
const BODIES: Record<string, object> = {
  'put /api/v1/admin/settings': SETTINGS,
  'put /api/v1/admin/permissions': PERMISSIONS,
  'post /api/v1/admin/users/{username}/tokens': { name: 'on behalf', validity: 'P1M' },
};
const ADMIN_ROUTES = ROUTES.filter((op) => op.guard === 'admin' || op.path.startsWith('/api/v1/admin/')).map(
  (op) =>
    [
      op.method,
      op.path
        .replace('/api/v1', '')
        .replace('{username}', 'bob')
        .replace('{id}', 'some-id')
        .replace('{address}', '192.0.2.1'),
      BODIES[`${op.method} ${op.path}`],
    ] as const,
);

it('covers every administrator route, and every admin-guarded route lives under /admin/', () => {
  expect(ADMIN_ROUTES.length).toBeGreaterThanOrEqual(15);
  for (const r of ROUTES.filter((op) => op.guard === 'admin')) expect(r.path).toMatch(/^\/api\/v1\/admin\//);
});

describe.each(DATABASES)('administration on %s', (db) => {
  let h: Harness;
  let admin: string;
  let alice: string;
  beforeAll(async () => {
    h = await startHarness({ db });
    [admin, alice] = await Promise.all([h.login('admin'), h.login('alice')]);
  });
  afterAll(() => h?.close());

  const as = (cookie: string, method: 'get' | 'put' | 'post' | 'delete', path: string, body?: object) => {
    const req = h.http[method](api(path)).set('Cookie', cookie);
    return method === 'get' ? req : req.set('Content-Type', 'application/json').send(body ?? {});
  };

  it.each(ADMIN_ROUTES)(
    'refuses a non-administrator: %s %s → 403, nothing changed',
    async (method, path, body) => {
      const auditBefore = (await as(admin, 'get', '/admin/audit')).body.total;
      const res = await as(alice, method, path, body);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toMatch(/admin_required|permission_denied/);
      expect((await as(admin, 'get', '/admin/audit')).body.total).toBe(auditBefore);
    },
  );

  it('returns exactly the settings document PUT accepts, and audits the change with before/after', async () => {
    const initial = (await as(admin, 'get', '/admin/settings').expect(200)).body;
    expect(initial).toEqual(SETTINGS);
    const next = {
      ...SETTINGS,
      maxValidity: 'P1Y',
      ipAllowlist: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'],
      reverseProxy: { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Real-IP' },
      auditAuthentications: true,
    };
    await as(admin, 'put', '/admin/settings', next).expect(200);
    const saved = (await as(admin, 'get', '/admin/settings').expect(200)).body;
    expect(saved).toEqual(next);
    await as(admin, 'put', '/admin/settings', saved).expect(200);
    const audit = (await as(admin, 'get', '/admin/audit?action=settings.changed').expect(200)).body;
    expect(audit.items[0]).toMatchObject({
      actor: 'admin',
      action: 'settings.changed',
      details: { after: next },
    });
    expect(audit.items[1].details).toMatchObject({ before: SETTINGS, after: next });
    expect(audit.items[0].remoteIp).toEqual(expect.any(String));
    await as(admin, 'put', '/admin/settings', SETTINGS).expect(200);
  });

  it.each([
    ['10.0.0.0/33', { ipAllowlist: ['10.0.0.0/33'] }],
    ['not-an-ip', { ipAllowlist: ['10.1.1.1', 'not-an-ip'] }],
    ['10.1', { reverseProxy: { ...SETTINGS.reverseProxy, trustedProxies: ['10.1'] } }],
  ])('refuses a bad address range (%s) with a 400 naming it', async (bad, change) => {
    const res = await as(admin, 'put', '/admin/settings', { ...SETTINGS, ...change }).expect(400);
    expect(res.body.error.message).toContain(bad);
    expect((await as(admin, 'get', '/admin/settings')).body).toEqual(SETTINGS);
  });

  it('saves permissions and returns every warning, an unknown group named, without blocking', async () => {
    const doc = {
      useTokens: { everyone: false, groups: ['developers'] },
      createOwnTokens: { everyone: true, groups: [] },
      createTokensForOthers: { everyone: true, groups: ['no-such-group'] },
    };
    const res = await as(admin, 'put', '/admin/permissions', doc).expect(200);
    expect(res.body.permissions).toEqual(doc);
    const codes = res.body.warnings.map(
      (w: { code: string; permission: string }) => `${w.code}:${w.permission}`,
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        'create_wider_than_use:createOwnTokens',
        'create_for_others_everyone:createTokensForOthers',
        'unknown_group:createTokensForOthers',
      ]),
    );
    const unknown = res.body.warnings.find((w: { code: string }) => w.code === 'unknown_group');
    expect(unknown.message).toContain('no-such-group');
    expect((await as(admin, 'get', '/admin/permissions')).body).toEqual(doc);
    const nobody = { ...PERMISSIONS, useTokens: { everyone: false, groups: [] } };
    const empty = await as(admin, 'put', '/admin/permissions', nobody).expect(200);
    expect(empty.body.warnings).toContainEqual(
      expect.objectContaining({ code: 'administrators_only', permission: 'useTokens' }),
    );
    await as(admin, 'put', '/admin/permissions', PERMISSIONS).expect(200);
  });

  it('creates tokens on behalf of an existing site user, audited with actor and subject', async () => {
    const res = await as(admin, 'post', '/admin/users/bob/tokens', {
      name: 'deploy bot',
      validity: 'P6M',
    }).expect(201);
    expect(res.body.token).toMatchObject({ owner: 'bob', createdBy: 'admin', name: 'deploy bot' });
    await as(admin, 'post', '/admin/users/nobody-here/tokens', { name: 'x', validity: 'P1M' }).expect(404);
    const audit = (await as(admin, 'get', `/admin/audit?tokenId=${res.body.token.id}`)).body;
    expect(audit.items[0]).toMatchObject({
      actor: 'admin',
      subjectUser: 'bob',
      action: 'token.created',
      tokenName: 'deploy bot',
    });
    // A non-administrator granted create-for-others may do it too.
    await as(admin, 'put', '/admin/permissions', {
      ...PERMISSIONS,
      createTokensForOthers: { everyone: false, groups: ['developers'] },
    });
    await as(alice, 'post', '/admin/users/carol/tokens', { name: 'for carol', validity: 'P1M' }).expect(201);
    await as(admin, 'put', '/admin/permissions', PERMISSIONS).expect(200);
  });

  it('lets only site administrators create tokens for a site administrator', async () => {
    await as(admin, 'put', '/admin/permissions', {
      ...PERMISSIONS,
      createTokensForOthers: { everyone: false, groups: ['developers'] },
    }).expect(200);
    const before = (await as(admin, 'get', '/admin/tokens?user=admin').expect(200)).body.total;
    // A token for the administrator is the administrator: minting one would be a way up.
    const res = await as(alice, 'post', '/admin/users/admin/tokens', { name: 'a way up', validity: 'P1M' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('admin_required');
    await as(alice, 'post', '/admin/users/ADMIN/tokens', { name: 'a way up', validity: 'P1M' }).expect(403);
    expect((await as(admin, 'get', '/admin/tokens?user=admin').expect(200)).body.total).toBe(before);
    await as(admin, 'put', '/admin/permissions', PERMISSIONS).expect(200);
  });

  it('lists all tokens with filters and pagination, and deletes one or all of a user', async () => {
    for (const name of ['one', 'two', 'three'])
      await as(alice, 'post', '/tokens', { name, validity: 'P1M' }).expect(201);
    const page = (await as(admin, 'get', '/admin/tokens?user=alice&limit=2').expect(200)).body;
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(page.items).toHaveLength(2);
    const named = (await as(admin, 'get', '/admin/tokens?name=thr').expect(200)).body;
    expect(named.items.map((t: { name: string }) => t.name)).toEqual(['three']);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(
      (await as(admin, 'get', `/admin/tokens?createdFrom=${encodeURIComponent(future)}`)).body.total,
    ).toBe(0);
    await as(admin, 'delete', `/admin/tokens/${named.items[0].id}`).expect(204);
    await as(admin, 'delete', `/admin/tokens/${named.items[0].id}`).expect(404);
    expect((await as(admin, 'delete', '/admin/users/ALICE/tokens').expect(200)).body).toEqual({ deleted: 2 });
    const actions = (await as(admin, 'get', '/admin/audit?subjectUser=alice')).body.items.map(
      (r: { action: string }) => r.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['token.deleted', 'tokens.deleted_all', 'token.created']));
  });

  it('exports the audit log as CSV and JSON Lines', async () => {
    const csv = await as(admin, 'get', '/admin/audit/export?format=csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\n')[0]).toBe('id,at,actor,action,subjectUser,tokenId,tokenName,remoteIp,details');
    const jsonl = await as(admin, 'get', '/admin/audit/export?format=jsonl&action=settings.changed')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c;
        });
        res.on('end', () => done(null, text));
      })
      .expect(200);
    const lines = String(jsonl.body)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((r: { action: string }) => r.action === 'settings.changed')).toBe(true);
  });

  it('lets an administrator script the admin API with their own token (admin from ATA_ADMIN_GROUPS)', async () => {
    const { secret } = (
      await as(admin, 'post', '/tokens', { name: 'admin script', validity: 'P1M' }).expect(201)
    ).body;
    const res = await h.http.get(api('/admin/settings')).set('Authorization', `Bearer ${secret}`).expect(200);
    expect(res.body).toEqual(SETTINGS);
    const { secret: alices } = (await as(alice, 'post', '/tokens', { name: 'alice script', validity: 'P1M' }))
      .body;
    await h.http.get(api('/admin/settings')).set('Authorization', `Bearer ${alices}`).expect(403);
  });

  it('searches site users and groups for the pickers', async () => {
    const users = (await as(admin, 'get', '/admin/users/search?q=al').expect(200)).body.users;
    expect(users.map((u: { username: string }) => u.username)).toContain('alice');
    const groups = (await as(admin, 'get', '/admin/groups/search?q=dev').expect(200)).body.groups;
    expect(groups).toContain('developers');
  });
});
