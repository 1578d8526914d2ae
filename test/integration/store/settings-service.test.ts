import { afterEach, describe, expect, it } from 'vitest';
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
    });
  });

  it('returns exactly the document it saved, audits before and after, and announces it', async () => {
    const h = await harness();
    expect(await h.settings.update(changed, admin)).toEqual(changed);
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

  it('does not keep a failed read', async () => {
    const h = await harness();
    const other = await openServices(open);
    await other.db.store.close();
    await expect(other.settings.get()).rejects.toThrow();
    await other.db.dispose();
    expect((await h.settings.get()).maxValidity).toBe('never');
  });
});
