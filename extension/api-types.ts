// The companion API as the extension uses it: types only (erased from the bundle), from the
// schemas the server validates with, so both sides cannot drift apart.
import type { Me } from '../shared/api.ts';

export type {
  AuditPage,
  AuditRecord,
  CreateTokenRequest,
  CreateTokenResponse,
  DeletedResponse,
  GroupSearchResponse,
  Me,
  Permissions,
  PermissionWarning,
  PutPermissionsResponse,
  PutSettingsResponse,
  Settings,
  Token,
  TokenPage,
  UserSearchResponse,
} from '../shared/api.ts';
export type { PermissionGrant, PermissionName } from '../shared/permissions.ts';
export type { Validity } from '../shared/validity.ts';

/** Whether the person may open the token panel at all. */
export function mayUseTokenPanel(me: Me): boolean {
  return me.isAdmin || me.permissions.useTokens || me.permissions.createOwnTokens;
}
