import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isTokenShaped } from '../../../shared/token.ts';
import { api, DATABASES, type Harness, startHarness } from './harness.ts';

describe.each(DATABASES)('own tokens on %s', (db) => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let admin: string;
  let defaults: { settings: object; permissions: object };

  beforeAll(async () => {
    h = await startHarness({ db });
    [alice, bob, admin] = await Promise.all([h.login('alice'), h.login('bob'), h.login('admin')]);
    defaults = {
      settings: (await h.http.get(api('/admin/settings')).set('Cookie', admin)).body,
      permissions: (await h.http.get(api('/admin/permissions')).set('Cookie', admin)).body,
    };
  });
  afterAll(() => h?.close());
  beforeEach(async () => {
    await h.http.put(api('/admin/settings')).set('Cookie', admin).send(defaults.settings).expect(200);
    await h.http.put(api('/admin/permissions')).set('Cookie', admin).send(defaults.permissions).expect(200);
    for (const cookie of [alice, bob]) {
      await h.http
        .delete(api('/tokens'))
        .set('Cookie', cookie)
        .set('Content-Type', 'application/json')
        .expect(200);
    }
  });

  const create = (cookie: string, body: object) =>
    h.http.post(api('/tokens')).set('Cookie', cookie).send(body);
  const setMax = (maxValidity: string) =>
    h.http
      .put(api('/admin/settings'))
      .set('Cookie', admin)
      .send({ ...defaults.settings, maxValidity })
      .expect(200);

  it('creates, lists and deletes a token; the secret is shown once and only its hint after', async () => {
    const res = await create(alice, { name: 'CI pipeline', validity: 'P1Y' }).expect(201);
    expect(isTokenShaped(res.body.secret)).toBe(true);
    expect(res.headers['cache-control']).toBe('no-store');
    const { token } = res.body;
    expect(token).toMatchObject({
      name: 'CI pipeline',
      owner: 'alice',
      createdBy: 'alice',
      scope: 'read-write',
    });
    expect(token.hint).toBe(res.body.secret.slice(-4));
    expect(new Date(token.expiresAt).getUTCFullYear()).toBe(new Date(token.createdAt).getUTCFullYear() + 1);
    const listed = await h.http.get(api('/tokens')).set('Cookie', alice).expect(200);
    expect(listed.body).toEqual([token]);
    expect(JSON.stringify(listed.body)).not.toContain(res.body.secret);
    await h.http
      .delete(api(`/tokens/${token.id}`))
      .set('Cookie', alice)
      .set('Content-Type', 'application/json')
      .expect(204);
    expect((await h.http.get(api('/tokens')).set('Cookie', alice)).body).toEqual([]);
  });

  it("answers 404 for another user's token and leaves it alone", async () => {
    const { token } = (await create(alice, { name: 'mine', validity: 'P1M' }).expect(201)).body;
    await h.http
      .delete(api(`/tokens/${token.id}`))
      .set('Cookie', bob)
      .set('Content-Type', 'application/json')
      .expect(404);
    await h.http
      .delete(api('/tokens/no-such-id'))
      .set('Cookie', bob)
      .set('Content-Type', 'application/json')
      .expect(404);
    expect((await h.http.get(api('/tokens')).set('Cookie', alice)).body).toHaveLength(1);
  });

  it('deletes all own tokens and nobody else’s', async () => {
    await create(alice, { name: 'a1', validity: 'P1M' }).expect(201);
    await create(alice, { name: 'a2', validity: 'never' }).expect(201);
    await create(bob, { name: 'b1', validity: 'P1M' }).expect(201);
    const res = await h.http
      .delete(api('/tokens'))
      .set('Cookie', alice)
      .set('Content-Type', 'application/json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: 2 });
    expect((await h.http.get(api('/tokens')).set('Cookie', bob)).body).toHaveLength(1);
  });

  it.each([
    ['P6M', ['P6M']],
    ['P1Y', ['P6M', 'P1Y']],
    ['P2Y', ['P6M', 'P1Y', 'P2Y']],
    ['P3M', ['P3M']],
    ['never', ['P1M', 'P2M', 'P3M', 'P4M', 'P5M', 'P6M', 'P1Y', 'P2Y', 'never']],
  ])('with a maximum of %s offers %j and refuses anything else, naming the allowed', async (max, allowed) => {
    await setMax(max);
    expect((await h.http.get(api('/me')).set('Cookie', alice)).body.validityOptions).toEqual(allowed);
    for (const validity of ['P1M', 'P3M', 'P6M', 'P1Y', 'P2Y', 'never']) {
      const res = await create(alice, { name: `v-${validity}`, validity });
      if (allowed.includes(validity)) {
        expect(res.status).toBe(201);
      } else {
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(allowed.join(', '));
      }
    }
  });

  it('reports and, when asked, caps existing tokens that outlive a lowered maximum', async () => {
    await create(alice, { name: 'forever', validity: 'never' }).expect(201);
    await create(bob, { name: 'two years', validity: 'P2Y' }).expect(201);
    await create(bob, { name: 'short', validity: 'P1M' }).expect(201);
    const reported = await setMax('P6M');
    expect(reported.body).toMatchObject({ exceedingTokens: 2, cappedTokens: 0 });
    const capped = await h.http
      .put(api('/admin/settings'))
      .set('Cookie', admin)
      .send({ ...defaults.settings, maxValidity: 'P6M', capExistingTokens: true })
      .expect(200);
    expect(capped.body).toMatchObject({
      exceedingTokens: 2,
      cappedTokens: 2,
      settings: { maxValidity: 'P6M' },
    });
    const [forever] = (await h.http.get(api('/tokens')).set('Cookie', alice)).body;
    expect(forever.expiresAt).not.toBeNull();
    const audit = await h.http.get(api('/admin/audit?action=tokens.capped')).set('Cookie', admin).expect(200);
    expect(audit.body.items[0]).toMatchObject({ actor: 'admin', details: { capped: 2 } });
  });

  it('forces read-only scope when the setting says so, and keeps a valid per-token allowlist', async () => {
    const rw = await create(alice, { name: 'rw', validity: 'P1M', ipAllowlist: ['10.0.0.0/8', '::1'] });
    expect(rw.status).toBe(201);
    expect(rw.body.token).toMatchObject({ scope: 'read-write', ipAllowlist: ['10.0.0.0/8', '::1'] });
    await h.http
      .put(api('/admin/settings'))
      .set('Cookie', admin)
      .send({ ...defaults.settings, forceReadOnlyScope: true })
      .expect(200);
    const forced = await create(alice, { name: 'forced', validity: 'P1M', scope: 'read-write' }).expect(201);
    expect(forced.body.token.scope).toBe('read-only');
    const bad = await create(alice, { name: 'bad', validity: 'P1M', ipAllowlist: ['10.0.0.0/33'] }).expect(
      400,
    );
    expect(bad.body.error.message).toContain('10.0.0.0/33');
  });

  it('refuses creation with 403 once create-own is withdrawn, whatever the page showed', async () => {
    await h.http
      .put(api('/admin/permissions'))
      .set('Cookie', admin)
      .send({
        ...defaults.permissions,
        createOwnTokens: { everyone: false, groups: ['jira-administrators'] },
      })
      .expect(200);
    const res = await create(alice, { name: 'late', validity: 'P1M' }).expect(403);
    expect(res.body.error.code).toBe('permission_denied');
    expect((await h.http.get(api('/me')).set('Cookie', alice)).body.permissions.createOwnTokens).toBe(false);
    expect((await h.http.get(api('/tokens')).set('Cookie', alice)).body).toEqual([]);
    await create(admin, { name: 'admins always may', validity: 'P1M' }).expect(201);
    await h.http
      .delete(api('/tokens'))
      .set('Cookie', admin)
      .set('Content-Type', 'application/json')
      .expect(200);
  });

  it('lets a token create only narrower tokens, and names it in the audit record', async () => {
    const parent = (
      await create(alice, {
        name: 'loopback, six months',
        validity: 'P6M',
        ipAllowlist: ['127.0.0.0/8', '::1'],
      })
    ).body;
    const viaToken = (body: object) =>
      h.http.post(api('/tokens')).set('Authorization', `Bearer ${parent.secret}`).send(body);
    const forever = await viaToken({ name: 'wider', validity: 'never' }).expect(403);
    expect(forever.body.error).toMatchObject({
      code: 'wider_than_parent_token',
      message: expect.stringContaining(parent.token.expiresAt),
      details: { allowed: ['P1M', 'P2M', 'P3M', 'P4M', 'P5M'] },
    });
    const open = await viaToken({ name: 'no list', validity: 'P1M' }).expect(403);
    expect(open.body.error.message).toContain('needs an IP allowlist too');
    expect((await h.http.get(api('/tokens')).set('Cookie', alice)).body).toHaveLength(1);
    const child = (await viaToken({ name: 'child', validity: 'P1M', ipAllowlist: ['127.0.0.1'] }).expect(201))
      .body;
    const { body: audit } = await h.http
      .get(api(`/admin/audit?tokenId=${child.token.id}`))
      .set('Cookie', admin)
      .expect(200);
    expect(audit.items[0].details).toMatchObject({
      parentTokenId: parent.token.id,
      parentTokenName: 'loopback, six months',
    });
  });

  it('records the parent token when a token creates one for an administrator’s script', async () => {
    const parent = (await create(admin, { name: 'admin script', validity: 'never', scope: 'read-write' }))
      .body;
    const res = await h.http
      .post(api('/admin/users/bob/tokens'))
      .set('Authorization', `Bearer ${parent.secret}`)
      .send({ name: 'for bob', validity: 'P1M' })
      .expect(201);
    const { body: audit } = await h.http
      .get(api(`/admin/audit?tokenId=${res.body.token.id}`))
      .set('Cookie', admin)
      .expect(200);
    expect(audit.items[0]).toMatchObject({
      actor: 'admin',
      subjectUser: 'bob',
      details: { parentTokenId: parent.token.id, parentTokenName: 'admin script' },
    });
    await h.http
      .delete(api('/tokens'))
      .set('Cookie', admin)
      .set('Content-Type', 'application/json')
      .expect(200);
  });
});
