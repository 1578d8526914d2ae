import { describe, expect, it } from 'vitest';
import {
  defaultPermissions,
  documentWarnings,
  evaluatePermissions,
  groupsOf,
  type PermissionsDocument,
} from '../../../shared/permissions.ts';

const doc = (overrides: Partial<PermissionsDocument>): PermissionsDocument => ({
  ...defaultPermissions(),
  ...overrides,
});

describe('permission evaluation', () => {
  it('defaults: everyone may use and create own tokens; only administrators create for others', () => {
    const permissions = defaultPermissions();
    expect(evaluatePermissions(permissions, { isAdmin: false, groups: [] })).toEqual({
      useTokens: true,
      createOwnTokens: true,
      createTokensForOthers: false,
    });
    expect(evaluatePermissions(permissions, { isAdmin: true, groups: [] })).toEqual({
      useTokens: true,
      createOwnTokens: true,
      createTokensForOthers: true,
    });
  });

  it('grants by group membership, case-insensitively', () => {
    const permissions = doc({
      useTokens: { everyone: false, groups: ['Developers'] },
      createOwnTokens: { everyone: false, groups: ['developers', 'contractors'] },
      createTokensForOthers: { everyone: false, groups: ['team-leads'] },
    });
    expect(evaluatePermissions(permissions, { isAdmin: false, groups: ['DEVELOPERS'] })).toEqual({
      useTokens: true,
      createOwnTokens: true,
      createTokensForOthers: false,
    });
    expect(evaluatePermissions(permissions, { isAdmin: false, groups: ['contractors'] })).toEqual({
      useTokens: false,
      createOwnTokens: true,
      createTokensForOthers: false,
    });
    expect(evaluatePermissions(permissions, { isAdmin: false, groups: ['jira-software-users'] })).toEqual({
      useTokens: false,
      createOwnTokens: false,
      createTokensForOthers: false,
    });
  });

  it('site administrators hold all three whatever the document says', () => {
    const nobody = { everyone: false, groups: [] };
    const permissions = doc({ useTokens: nobody, createOwnTokens: nobody, createTokensForOthers: nobody });
    expect(evaluatePermissions(permissions, { isAdmin: true, groups: [] })).toEqual({
      useTokens: true,
      createOwnTokens: true,
      createTokensForOthers: true,
    });
  });
});

describe('permission warnings', () => {
  const codes = (d: PermissionsDocument) => documentWarnings(d).map((w) => `${w.code}:${w.permission}`);

  it('notes that create-for-others is for administrators only by default, and nothing else', () => {
    expect(codes(defaultPermissions())).toEqual(['administrators_only:createTokensForOthers']);
  });

  it('warns about a permission granted to no one', () => {
    expect(codes(doc({ useTokens: { everyone: false, groups: [] } }))).toContain(
      'administrators_only:useTokens',
    );
  });

  it('warns when create-own reaches users without use', () => {
    expect(codes(doc({ useTokens: { everyone: false, groups: ['developers'] } }))).toContain(
      'create_wider_than_use:createOwnTokens',
    );
    const narrower = doc({
      useTokens: { everyone: false, groups: ['developers', 'contractors'] },
      createOwnTokens: { everyone: false, groups: ['Developers'] },
    });
    expect(codes(narrower)).not.toContain('create_wider_than_use:createOwnTokens');
    const wider = doc({
      useTokens: { everyone: false, groups: ['developers'] },
      createOwnTokens: { everyone: false, groups: ['developers', 'contractors'] },
    });
    expect(codes(wider)).toContain('create_wider_than_use:createOwnTokens');
  });

  it('warns when anyone may create tokens for others', () => {
    const warnings = documentWarnings(doc({ createTokensForOthers: { everyone: true, groups: [] } }));
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'create_for_others_everyone', permission: 'createTokensForOthers' }),
    ]);
    expect(warnings[0]?.message).toMatch(/everyone/);
  });

  it('lists each group once, first spelling kept', () => {
    const permissions = doc({
      useTokens: { everyone: false, groups: ['Developers', 'contractors'] },
      createOwnTokens: { everyone: false, groups: ['developers'] },
    });
    expect(groupsOf(permissions)).toEqual(['Developers', 'contractors']);
  });
});
