import { afterEach, describe, expect, it } from 'vitest';
import { CorruptDocumentError } from '../../../server/services/audited-document.ts';
import { defaultSettings } from '../../../server/services/settings-service.ts';
import type { Settings } from '../../../server/services/types.ts';
import { DATABASES } from './databases.ts';
import { admin, type Harness, openServices } from './harness.ts';

const changed: Settings = {
  maxValidity: 'P1Y',
  ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'],
  reverseProxy: { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Real-IP' },
  passwordBasicAuth: false,
  auditAuthentications: true,
  forceReadOnlyScope: true,
  siteCredentialMode: 'identity-header',
};

describe.each(DATABASES)('SettingsService on $name', ({ open }) => {
  const opened: Harness[] = [];
  afterEach(async () => {
    await opened[0]?.db.dispose();
    opened.length = 0;
  });
  const harness = async (options: Parameters<typeof openServices>[1] = {}) => {
    const h = await openServices(open, { db: opened[0]?.db, ...options });
    opened.push(h);
    return h;
  };

  it('starts from the documented defaults', async () => {
    const h = await harness();
    expect(await h.settings.get()).toEqual({
      maxValidity: 'never',
      ipAllowlist: [],
      reverseProxy: { enabled: false, trustedProxies: [], clientIpHeader: 'X-Forwarded-For' },
      passwordBasicAuth: true,
      auditAuthentications: false,
      forceReadOnlyScope: false,
      siteCredentialMode: 'site-token',
    });
  });

  it('returns exactly the document it saved, audits before and after, and announces it', async () => {
    const h = await harness();
    expect(await h.settings.update(changed, admin)).toEqual({
      settings: changed,
      exceedingTokens: 0,
      cappedTokens: 0,
    });
    expect(await h.settings.get()).toEqual(changed);
    const [record] = (await h.audit.list({}, { limit: 10, offset: 0 })).items;
    expect(record).toMatchObject({
      actor: 'admin',
      action: 'settings.changed',
      remoteIp: '192.0.2.1',
      details: { before: defaultSettings(), after: changed },
    });
    expect(h.emitted['settings.changed']).toEqual([{ settings: changed, before: defaultSettings() }]);
  });

  it('drops fields it does not know and fills missing ones from the defaults', async () => {
    const h = await harness();
    await h.settings.update({ ...changed, extra: 'ignored' } as Settings, admin);
    expect(await h.settings.get()).toEqual(changed);
    // A document written by an older version, without the newer fields.
    await h.db.store.settings.put({ maxValidity: 'P3M', reverseProxy: { enabled: true } }, 'admin', h.now());
    const fresh = await harness();
    expect(await fresh.settings.get()).toEqual({
      ...defaultSettings(),
      maxValidity: 'P3M',
      reverseProxy: { ...defaultSettings().reverseProxy, enabled: true },
    });
  });

  it('applies its own change at once and another process’s within the cache time', async () => {
    const mine = await harness({ cacheMs: 5_000 });
    const theirs = await harness({ cacheMs: 5_000 });
    expect((await theirs.settings.get()).maxValidity).toBe('never');
    await mine.settings.update(changed, admin);
    expect((await mine.settings.get()).maxValidity).toBe('P1Y');
    expect((await theirs.settings.get()).maxValidity).toBe('never');
    theirs.setNow(new Date(theirs.now().getTime() + 5_000).toISOString());
    expect((await theirs.settings.get()).maxValidity).toBe('P1Y');
  });

  it('saves a lowered maximum, caps the tokens beyond it and audits both in one transaction', async () => {
    const h = await harness();
    const forever = await h.tokens.create(
      { owner: 'alice', ownerKey: 'k-alice', name: 'f', validity: 'never' },
      admin,
    );
    await h.tokens.create({ owner: 'bob', ownerKey: 'k-bob', name: 'short', validity: 'P1M' }, admin);
    const reported = await h.settings.update({ ...changed, maxValidity: 'P6M' }, admin);
    expect(reported).toMatchObject({ exceedingTokens: 1, cappedTokens: 0 });
    expect((await h.tokens.get(forever.token.id))?.expiresAt).toBeNull();
    const capped = await h.settings.update({ ...changed, maxValidity: 'P6M' }, admin, {
      capExistingTokens: true,
    });
    expect(capped).toEqual({
      settings: { ...changed, maxValidity: 'P6M' },
      exceedingTokens: 1,
      cappedTokens: 1,
    });
    const limit = new Date('2026-07-31T10:00:00.000Z');
    expect((await h.tokens.get(forever.token.id))?.expiresAt).toEqual(limit);
    const [cap, saved] = (await h.audit.list({}, { limit: 2, offset: 0 })).items;
    expect(saved).toMatchObject({ action: 'settings.changed', actor: 'admin' });
    expect(cap).toMatchObject({
      action: 'tokens.capped',
      actor: 'admin',
      remoteIp: '192.0.2.1',
      details: { maxValidity: 'P6M', capped: 1, expiresAt: limit.toISOString() },
    });
    expect(h.emitted['tokens.capped']).toEqual([{ expiresAt: limit }]);
  });

  it('rolls the save back when capping fails: settings, tokens and audit as they were', async () => {
    const h = await harness();
    const forever = await h.tokens.create(
      { owner: 'alice', ownerKey: 'k-alice', name: 'f', validity: 'never' },
      admin,
    );
    const auditBefore = (await h.audit.list({}, { limit: 1, offset: 0 })).total;
    // The database itself refuses the cap's UPDATE, as a lost connection or a full disk would.
    await h.db.exec(
      h.db.sqliteFile
        ? "CREATE TRIGGER refuse_cap BEFORE UPDATE ON tokens BEGIN SELECT RAISE(ABORT, 'cap refused'); END;"
        : `CREATE FUNCTION refuse_cap() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'cap refused'; END $$ LANGUAGE plpgsql;
           CREATE TRIGGER refuse_cap BEFORE UPDATE ON tokens FOR EACH ROW EXECUTE FUNCTION refuse_cap();`,
    );
    const attempt = h.settings.update({ ...changed, maxValidity: 'P6M' }, admin, { capExistingTokens: true });
    await expect(attempt).rejects.toThrow(/cap refused/);
    expect(await h.settings.get()).toEqual(defaultSettings());
    expect(await (await harness()).settings.get()).toEqual(defaultSettings());
    expect((await h.tokens.get(forever.token.id))?.expiresAt).toBeNull();
    expect((await h.audit.list({}, { limit: 1, offset: 0 })).total).toBe(auditBefore);
    expect(h.emitted['settings.changed']).toEqual([]);
    expect(h.emitted['tokens.capped']).toEqual([]);
  });

  it('refuses a corrupted stored document (fail closed, logged) and lets an admin save over it', async () => {
    const h = await harness();
    await h.db.store.settings.put({ ...changed, ipAllowlist: ['10.0.0.0/99'] }, 'admin', h.now());
    const attempt = h.settings.get();
    await expect(attempt).rejects.toBeInstanceOf(CorruptDocumentError);
    await expect(attempt).rejects.toMatchObject({ status: 503, code: 'stored_document_invalid' });
    const logged = h.logs
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'stored settings document is invalid');
    expect(logged).toMatchObject({ level: 50, document: 'settings', updatedBy: 'admin' });
    expect(JSON.stringify(logged.issues)).toContain('ipAllowlist');
    for (const junk of [
      '"not a document"',
      '[1,2]',
      '{"maxValidity":"P9Y"}',
      '{"passwordBasicAuth":"yes"}',
    ]) {
      await h.db.exec(`UPDATE settings SET document = '${junk}'`);
      await expect((await harness()).settings.get()).rejects.toBeInstanceOf(CorruptDocumentError);
    }
    const repaired = await h.settings.update(changed, admin);
    expect(repaired.settings).toEqual(changed);
    expect(await (await harness()).settings.get()).toEqual(changed);
    const [record] = (await h.audit.list({ action: 'settings.changed' }, { limit: 1, offset: 0 })).items;
    expect(record?.details).toEqual({ before: null, after: changed });
  });

  it('does not keep a failed read', async () => {
    const h = await harness();
    const other = await openServices(open);
    await other.db.store.close();
    await expect(other.settings.get()).rejects.toThrow();
    await other.db.dispose();
    expect((await h.settings.get()).maxValidity).toBe('never');
  });
});
