import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../server/errors.ts';
import { CorruptDocumentError } from '../../../server/services/audited-document.ts';
import { defaultPermissions, type PermissionsDocument } from '../../../shared/permissions.ts';
import { DATABASES } from './databases.ts';
import { admin, type Harness, openServices } from './harness.ts';

const everyGroupExists = { groupExists: async () => true };

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
    const { permissions: saved } = await h.permissions.update(next, admin, everyGroupExists);
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

  it('admin saves permissions and gets warnings, the site asked about all groups at once', async () => {
    h = await openServices(open);
    const known = new Set(['developers']);
    const asked: string[] = [];
    let answer: () => void = () => {};
    const allAsked = new Promise<void>((resolve) => {
      answer = resolve;
    });
    // Answers only once every group has been asked about: a one-by-one check would never finish.
    const site = {
      async groupExists(group: string) {
        asked.push(group);
        if (asked.length === 3) answer();
        await allAsked;
        return known.has(group.toLowerCase());
      },
    };
    const next: PermissionsDocument = {
      useTokens: { everyone: false, groups: ['developers', 'ghosts'] },
      createOwnTokens: { everyone: true, groups: [] },
      createTokensForOthers: { everyone: false, groups: ['Ghosts', 'phantoms'] },
    };
    const { permissions, warnings } = await h.permissions.update(next, admin, site);
    expect(asked).toEqual(['developers', 'ghosts', 'phantoms']);
    expect(permissions).toEqual(next);
    expect(warnings.map((w) => `${w.code}:${w.permission}`)).toEqual([
      'create_wider_than_use:createOwnTokens',
      'unknown_group:useTokens',
      'unknown_group:createTokensForOthers',
      'unknown_group:createTokensForOthers',
    ]);
    expect(warnings.filter((w) => w.code === 'unknown_group').map((w) => w.message)).toEqual([
      'The group "ghosts" does not exist on the site.',
      'The group "ghosts" does not exist on the site.',
      'The group "phantoms" does not exist on the site.',
    ]);
  });

  it('changes nothing when the site cannot be asked', async () => {
    h = await openServices(open);
    const down = { groupExists: () => Promise.reject(new AppError(503, 'site_unavailable', 'down')) };
    const next = { ...defaultPermissions(), useTokens: { everyone: false, groups: ['developers'] } };
    await expect(h.permissions.update(next, admin, down)).rejects.toMatchObject({ status: 503 });
    expect(await h.permissions.get()).toEqual(defaultPermissions());
    expect((await h.audit.list({}, { limit: 1, offset: 0 })).total).toBe(0);
  });

  it('refuses a corrupted stored document (fail closed) rather than granting the defaults', async () => {
    h = await openServices(open);
    await h.db.store.permissions.put({ useTokens: { everyone: 'yes', groups: [] } }, 'admin', h.now());
    await expect(h.permissions.evaluate({ isAdmin: false, groups: [] })).rejects.toBeInstanceOf(
      CorruptDocumentError,
    );
    expect(h.logs.join('')).toContain('stored permissions document is invalid');
  });
});
