// The three token permissions, shared by the companion server and the extension (no Node imports).
// Site administrators always hold all three, whatever the document says. The document's shape is
// the zod schema in api.ts (imported as a type only, so the extension's bundle gains no zod).
import type { z } from 'zod';
import type { Permissions, PermissionWarning as PermissionWarningSchema } from './api.ts';

export const PERMISSION_NAMES = ['useTokens', 'createOwnTokens', 'createTokensForOthers'] as const;
export type PermissionName = (typeof PERMISSION_NAMES)[number];

export type PermissionsDocument = z.infer<typeof Permissions>;
export type PermissionGrant = PermissionsDocument[PermissionName];

export type PermissionSet = Record<PermissionName, boolean>;

export interface PermissionSubject {
  isAdmin: boolean;
  groups: readonly string[];
}

export const PERMISSION_WARNING_CODES = [
  'administrators_only',
  'create_wider_than_use',
  'create_for_others_everyone',
  'unknown_group',
] as const;
export type PermissionWarning = z.infer<typeof PermissionWarningSchema>;

export const PERMISSION_LABELS: Record<PermissionName, string> = {
  useTokens: 'Use API tokens',
  createOwnTokens: 'Create own API tokens',
  createTokensForOthers: 'Create API tokens for other users',
};

export function defaultPermissions(): PermissionsDocument {
  return {
    useTokens: { everyone: true, groups: [] },
    createOwnTokens: { everyone: true, groups: [] },
    createTokensForOthers: { everyone: false, groups: [] },
  };
}

// Jira and Confluence compare group names case-insensitively.
export const sameGroup = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function isGranted(grant: PermissionGrant, groups: readonly string[]): boolean {
  return grant.everyone || grant.groups.some((g) => groups.some((member) => sameGroup(g, member)));
}

/** What a user holds under a permissions document. */
export function evaluatePermissions(doc: PermissionsDocument, subject: PermissionSubject): PermissionSet {
  const holds = (name: PermissionName) => subject.isAdmin || isGranted(doc[name], subject.groups);
  return {
    useTokens: holds('useTokens'),
    createOwnTokens: holds('createOwnTokens'),
    createTokensForOthers: holds('createTokensForOthers'),
  };
}

/**
 * Warnings about a document that can be told without asking the site (unknown groups need the
 * site and are added by the server). They never block a save.
 */
export function documentWarnings(doc: PermissionsDocument): PermissionWarning[] {
  const warnings: PermissionWarning[] = [];
  for (const name of PERMISSION_NAMES) {
    const grant = doc[name];
    if (!grant.everyone && grant.groups.length === 0) {
      warnings.push({
        code: 'administrators_only',
        permission: name,
        message: `"${PERMISSION_LABELS[name]}" is granted to no one but site administrators.`,
      });
    }
  }
  const use = doc.useTokens;
  const createOwn = doc.createOwnTokens;
  const wider = createOwn.everyone
    ? !use.everyone
    : !use.everyone && createOwn.groups.some((g) => !use.groups.some((u) => sameGroup(g, u)));
  if (wider) {
    warnings.push({
      code: 'create_wider_than_use',
      permission: 'createOwnTokens',
      message: `"${PERMISSION_LABELS.createOwnTokens}" reaches users without "${PERMISSION_LABELS.useTokens}": they could create tokens they cannot use.`,
    });
  }
  if (doc.createTokensForOthers.everyone) {
    warnings.push({
      code: 'create_for_others_everyone',
      permission: 'createTokensForOthers',
      message: `"${PERMISSION_LABELS.createTokensForOthers}" is granted to everyone: any user can create tokens that act as any other user.`,
    });
  }
  return warnings;
}

/** Every distinct group named in the document (first spelling kept). */
export function groupsOf(doc: PermissionsDocument): string[] {
  const seen: string[] = [];
  for (const name of PERMISSION_NAMES) {
    for (const g of doc[name].groups) if (!seen.some((s) => sameGroup(s, g))) seen.push(g);
  }
  return seen;
}
