import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DATABASES, DEFAULT_SETTINGS, type Harness, startHarness } from './harness.ts';

// Every address list the API accepts is one the validation plane can compile. An entry accepted here
// and refused there was saved and then failed every later request with 500, the settings page
// included, so an administrator could not even undo it.
const UNCOMPILABLE = ['0.0.0.0/0', '::/0', '10.0.0.0/000', '::1.2.3.4', '64:ff9b::1.2.3.4/120'];

describe.each(DATABASES)('address lists on %s', (db) => {
  let h: Harness;
  let admin: string;
  let alice: string;
  beforeAll(async () => {
    h = await startHarness({ db });
    [admin, alice] = await Promise.all([h.login('admin'), h.login('alice')]);
  });
  afterAll(() => h?.close());

  const putSettings = (settings: unknown) =>
    h.http
      .put(api('/admin/settings'))
      .set('Cookie', admin)
      .set('Content-Type', 'application/json')
      .send(settings as object);

  it.each(UNCOMPILABLE)(
    'refuses %s in the global allowlist and the trusted proxies, changing nothing',
    async (entry) => {
      const before = (await h.http.get(api('/admin/settings')).set('Cookie', admin).expect(200)).body;
      const allowlist = await putSettings({ ...DEFAULT_SETTINGS, ipAllowlist: [entry] }).expect(400);
      expect(allowlist.body.error.message).toContain(entry);
      await putSettings({
        ...DEFAULT_SETTINGS,
        reverseProxy: { enabled: true, trustedProxies: [entry], clientIpHeader: 'X-Forwarded-For' },
      }).expect(400);
      expect((await h.http.get(api('/admin/settings')).set('Cookie', admin).expect(200)).body).toEqual(
        before,
      );
      await h.http.get(api('/me')).set('Cookie', alice).expect(200);
    },
  );

  it.each(UNCOMPILABLE)(
    'refuses %s in a token allowlist instead of minting a token that never works',
    async (entry) => {
      const res = await h.http
        .post(api('/tokens'))
        .set('Cookie', alice)
        .set('Content-Type', 'application/json')
        .send({ name: 'allowlisted', validity: 'P1M', ipAllowlist: [entry] })
        .expect(400);
      expect(res.body.error.message).toContain(entry);
      expect((await h.http.get(api('/tokens')).set('Cookie', alice).expect(200)).body).toEqual([]);
    },
  );

  it('still takes the IPv4-mapped and full forms the validation plane understands', async () => {
    const lists = ['::ffff:10.0.0.1', '0:0:0:0:0:ffff:10.0.0.0/104', '10.0.0.0/8', '2001:db8::/32'];
    const res = await putSettings({ ...DEFAULT_SETTINGS, ipAllowlist: lists }).expect(200);
    expect(res.body.settings.ipAllowlist).toEqual(lists);
    await putSettings(DEFAULT_SETTINGS).expect(200);
    await h.http.get(api('/me')).set('Cookie', alice).expect(200);
  });
});
