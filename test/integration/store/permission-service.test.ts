import { afterEach, describe, expect, it } from 'vitest';
import { defaultPermissions, type PermissionsDocument } from '../../../shared/permissions.ts';
import { DATABASES } from './databases.ts';
import { admin, type Harness, openServices } from './harness.ts';

describe.each(DATABASES)('PermissionService on $name', ({ open }) => {
  let h: Harness;
  afterEach(async () => {
    await h?.db.dispose();
  });

  it('starts from the defaults: use and create-own for everyone, create-for-others for administrators', async () => {
    h = await openServices(open);
    expect(await h.permissions.get()).toEqual(defaultPermissions());
    expect(await h.permissions.evaluate({ isAdmin: false, groups: [] })).toEqual({
      useTokens: true,
      createOwnTokens: true,
      createTokensForOthers: false,
    });
    expect(await h.permissions.evaluate({ isAdmin: true, groups: [] })).toMatchObject({
      createTokensForOthers: true,
    });
  });

  it('saves a normalised document, audits before and after, announces it and evaluates by it', async () => {
    h = await openServices(open);
    const next: PermissionsDocument = {
      useTokens: { everyone: false, groups: ['developers', ' Developers ', 'contractors'] },
      createOwnTokens: { everyone: false, groups: ['developers'] },
      createTokensForOthers: { everyone: false, groups: ['team-leads'] },
    };
    const saved = await h.permissions.update(next, admin);
    expect(saved.useTokens).toEqual({ everyone: false, groups: ['developers', 'contractors'] });
    expect(await h.permissions.get()).toEqual(saved);
    expect(await h.permissions.evaluate({ isAdmin: false, groups: ['CONTRACTORS'] })).toEqual({
      useTokens: true,
      createOwnTokens: false,
      createTokensForOthers: false,
    });
    expect(await h.permissions.evaluate({ isAdmin: false, groups: ['team-leads', 'developers'] })).toEqual({
      useTokens: true,
      createOwnTokens: true,
      createTokensForOthers: true,
    });
    const [record] = (await h.audit.list({ action: 'permissions.changed' }, { limit: 10, offset: 0 })).items;
    expect(record?.details).toEqual({ before: defaultPermissions(), after: saved });
    expect(h.emitted['permissions.changed']).toEqual([{ permissions: saved }]);
    const other = await openServices(open, { db: h.db });
    expect(await other.permissions.get()).toEqual(saved);
  });
});
