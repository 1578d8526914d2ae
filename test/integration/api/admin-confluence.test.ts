import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DATABASES, type Harness, DEFAULT_PERMISSIONS as PERMISSIONS, startHarness } from './harness.ts';

// Confluence answers users and groups through other resources (no user search on Data Center).
describe.each(DATABASES)('administration against Confluence on %s', (db) => {
  let h: Harness;
  let admin: string;
  let alice: string;
  beforeAll(async () => {
    h = await startHarness({ db, flavour: 'confluence8' });
    [admin, alice] = await Promise.all([h.login('admin'), h.login('alice')]);
  });
  afterAll(() => h?.close());

  it('knows administrators by confluence-administrators membership', async () => {
    expect((await h.http.get(api('/me')).set('Cookie', admin)).body).toMatchObject({
      isAdmin: true,
      product: 'confluence',
    });
    await h.http.get(api('/admin/settings')).set('Cookie', alice).expect(403);
  });

  it('searches users and groups for the pickers', async () => {
    const users = (await h.http.get(api('/admin/users/search?q=ali')).set('Cookie', admin).expect(200)).body
      .users;
    expect(users.map((u: { username: string }) => u.username)).toEqual(['alice']);
    const groups = (
      await h.http.get(api('/admin/groups/search?q=confluence')).set('Cookie', admin).expect(200)
    ).body;
    expect(groups.groups).toEqual(expect.arrayContaining(['confluence-administrators', 'confluence-users']));
  });

  it('warns about unknown groups and creates tokens only for active site users', async () => {
    const res = await h.http
      .put(api('/admin/permissions'))
      .set('Cookie', admin)
      .send({ ...PERMISSIONS, useTokens: { everyone: false, groups: ['developers', 'ghosts'] } })
      .expect(200);
    const unknown = res.body.warnings.filter((w: { code: string }) => w.code === 'unknown_group');
    expect(unknown).toEqual([
      expect.objectContaining({ permission: 'useTokens', message: expect.stringContaining('ghosts') }),
    ]);
    await h.http.put(api('/admin/permissions')).set('Cookie', admin).send(PERMISSIONS).expect(200);
    const created = await h.http
      .post(api('/admin/users/carol/tokens'))
      .set('Cookie', admin)
      .send({ name: 'for carol', validity: 'P1M' })
      .expect(201);
    expect(created.body.token).toMatchObject({ owner: 'carol', createdBy: 'admin' });
    const inactive = await h.http
      .post(api('/admin/users/dave/tokens'))
      .set('Cookie', admin)
      .send({ name: 'for dave', validity: 'P1M' })
      .expect(400);
    expect(inactive.body.error.message).toContain('deactivated');
  });
});
