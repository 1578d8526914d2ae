import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, basic, DATABASES, dumpDatabase, type Harness, startHarness } from './harness.ts';

// Bad input gets a clear 4xx and changes nothing; secrets never reach a log or the database.
describe.each(DATABASES)('input and secrets on %s', (db) => {
  let h: Harness;
  let alice: string;
  let admin: string;
  beforeAll(async () => {
    h = await startHarness({ db });
    [alice, admin] = await Promise.all([h.login('alice'), h.login('admin')]);
  });
  afterAll(() => h?.close());

  const tokenCount = async () =>
    (await h.http.get(api('/admin/tokens')).set('Cookie', admin)).body.total as number;
  const post = (body: unknown) =>
    h.http
      .post(api('/tokens'))
      .set('Cookie', alice)
      .set('Content-Type', 'application/json')
      .send(body as object);

  it.each([
    ['a wrong type', { name: 42, validity: 'P1M' }],
    ['a missing field', { name: 'x' }],
    ['an unknown validity', { name: 'x', validity: 'P3Y' }],
    ['an unknown field', { name: 'x', validity: 'P1M', owner: 'admin' }],
    ['an empty name', { name: '   ', validity: 'P1M' }],
    ['a name with control characters', { name: 'a\u0000b', validity: 'P1M' }],
    ['an over-long name', { name: 'x'.repeat(101), validity: 'P1M' }],
    ['an unknown scope', { name: 'x', validity: 'P1M', scope: 'admin' }],
    ['an array body', [{ name: 'x', validity: 'P1M' }]],
  ])('refuses %s with 400 and creates nothing', async (_what, body) => {
    const before = await tokenCount();
    const res = await post(body).expect(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', message: expect.any(String) });
    expect(await tokenCount()).toBe(before);
  });

  it('refuses malformed JSON and a huge body', async () => {
    const before = await tokenCount();
    await h.http
      .post(api('/tokens'))
      .set('Cookie', alice)
      .set('Content-Type', 'application/json')
      .send('{"name":')
      .expect(400);
    const huge = await post({ name: 'x', validity: 'P1M', pad: 'y'.repeat(200_000) }).expect(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    expect(huge.headers['x-content-type-options']).toBe('nosniff');
    expect(huge.headers['cache-control']).toBe('no-store');
    expect(await tokenCount()).toBe(before);
  });

  it('needs Content-Type: application/json on mutating requests with a body (415)', async () => {
    const form = await h.http
      .post(api('/tokens'))
      .set('Cookie', alice)
      .type('form')
      .send('name=x&validity=P1M')
      .expect(415);
    expect(form.body.error.code).toBe('unsupported_media_type');
    const before = await tokenCount();
    await h.http.delete(api('/tokens')).set('Cookie', alice).type('text').send('all of them').expect(415);
    expect(await tokenCount()).toBe(before);
    // A DELETE without a body has no type to declare (and no HTML form can send one).
    await h.http.delete(api('/tokens')).set('Cookie', alice).expect(200);
  });

  it('refuses a foreign Origin with 403 and accepts the site’s own', async () => {
    const before = await tokenCount();
    const res = await post({ name: 'x', validity: 'P1M' }).set('Origin', 'https://evil.example').expect(403);
    expect(res.body.error.code).toBe('origin_not_allowed');
    await h.http.get(api('/me')).set('Cookie', alice).set('Origin', 'null').expect(403);
    expect(await tokenCount()).toBe(before);
    await post({ name: 'same origin', validity: 'P1M' }).set('Origin', h.origin).expect(201);
  });

  it('stores SQL-ish and unicode names verbatim', async () => {
    const names = [
      "x'); DROP TABLE tokens; --",
      'Robert"); DELETE FROM audit; --',
      'Ünïcødé 名前 🚀',
      '%_\\',
    ];
    for (const name of names) await post({ name, validity: 'P1M' }).expect(201);
    const listed = (await h.http.get(api('/tokens')).set('Cookie', alice)).body.map(
      (t: { name: string }) => t.name,
    );
    expect(listed).toEqual(expect.arrayContaining(names));
    const byName = await h.http
      .get(api(`/admin/tokens?name=${encodeURIComponent('%_')}`))
      .set('Cookie', admin)
      .expect(200);
    expect(byName.body.items.map((t: { name: string }) => t.name)).toEqual(['%_\\']);
    await h.http
      .get(api(`/admin/tokens?user=${encodeURIComponent("' OR 1=1 --")}`))
      .set('Cookie', admin)
      .expect(200);
  });

  it('refuses bad query parameters with 400', async () => {
    for (const query of ['limit=0', 'limit=abc', 'offset=-1', 'createdFrom=yesterday', 'unknown=1']) {
      await h.http
        .get(api(`/admin/tokens?${query}`))
        .set('Cookie', admin)
        .expect(400);
    }
    await h.http.get(api('/admin/audit?action=token.exploded')).set('Cookie', admin).expect(400);
    await h.http.get(api('/admin/audit/export?format=xml')).set('Cookie', admin).expect(400);
  });

  it('never writes a token secret, cookie or password to the logs or the database', async () => {
    const { secret } = (await post({ name: 'secret-check', validity: 'P1M' }).expect(201)).body;
    await h.http.get(api('/me')).set('Authorization', basic('alice', secret)).expect(200);
    await h.http.get(api('/me')).set('Authorization', `Bearer ${secret}`).expect(200);
    await h.http.get(api('/me')).set('Authorization', basic('bob', 'bob')).expect(200);
    const logs = h.logs.join('');
    expect(logs).toContain('"reqId"');
    for (const needle of [secret, alice.split('=')[1] as string, basic('bob', 'bob')]) {
      expect(logs).not.toContain(needle);
    }
    if (h.db.sqliteFile) {
      for (const file of [h.db.sqliteFile, `${h.db.sqliteFile}-wal`]) {
        let bytes = '';
        try {
          bytes = readFileSync(file).toString('latin1');
        } catch {
          continue;
        }
        expect(bytes).not.toContain(secret);
        expect(bytes).not.toContain(secret.slice(4, 31));
      }
    }
    const dump = await dumpDatabase(h.db);
    expect(dump).toContain('secret-check');
    expect(dump).not.toContain(secret);
    // Nor the hashing key itself.
    const key = h.deps.config.secret.kind === 'value' ? h.deps.config.secret.value : 'unreachable';
    expect(dump).not.toContain(key);
    expect(logs).not.toContain(key);
  });
});
