import type { Site } from '../site.ts';
import type { SimUser } from '../users.ts';

// Jira's REST representations (`/rest/api/2`), field for field as Jira 8–10 Data Center answer.
export function jiraError(...messages: string[]) {
  return { errorMessages: messages, errors: {} };
}

export const NOT_AUTHENTICATED =
  'You are not authenticated. Authentication required to perform this operation.';

export function jiraDate(date: Date): string {
  // Jira's format: 2024-05-01T10:00:00.000+0000
  return date.toISOString().replace('Z', '+0000');
}

export function avatarUrls(base: string, user: SimUser) {
  const url = (size: string) =>
    `${base}/secure/useravatar?${size ? `size=${size}&` : ''}ownerId=${encodeURIComponent(user.name)}&avatarId=10122`;
  return { '48x48': url(''), '24x24': url('small'), '16x16': url('xsmall'), '32x32': url('medium') };
}

/** A user bean; `expand` lists what is expanded (`groups`, `applicationRoles`). */
export function jiraUser(site: Site, base: string, user: SimUser, expand: string[] = []) {
  const groups = site.state.directory.sortedGroups(user);
  const roles = user.groups.has('jira-software-users')
    ? [{ key: 'jira-software', name: 'Jira Software' }]
    : [];
  return {
    ...jiraUserSummary(base, user),
    ...(user.logins.last ? { lastLoginTime: jiraDate(user.logins.last) } : {}),
    groups: {
      size: groups.length,
      items: expand.includes('groups')
        ? groups.map((name) => ({
            name,
            self: `${base}/rest/api/2/group?groupname=${encodeURIComponent(name)}`,
          }))
        : [],
    },
    applicationRoles: { size: roles.length, items: expand.includes('applicationRoles') ? roles : [] },
    expand: 'groups,applicationRoles',
  };
}

/** The shorter bean of lists (user search, group members, issue fields). */
export function jiraUserSummary(base: string, user: SimUser) {
  return {
    self: `${base}/rest/api/2/user?username=${encodeURIComponent(user.name)}`,
    key: user.jiraKey,
    name: user.name,
    emailAddress: user.email,
    avatarUrls: avatarUrls(base, user),
    displayName: user.displayName,
    active: user.active,
    deleted: false,
    timeZone: 'Europe/London',
    locale: 'en_GB',
  };
}

const GLOBAL_PERMISSIONS: [key: string, id: string, name: string, description: string, adminOnly: boolean][] =
  [
    [
      'ADMINISTER',
      '0',
      'Jira Administrators',
      'Ability to perform most administration functions (excluding Import & Export, SMTP Configuration, etc.).',
      true,
    ],
    [
      'SYSTEM_ADMIN',
      '44',
      'Jira System Administrators',
      'Ability to perform all administration functions. There must be at least one group with this permission.',
      true,
    ],
    [
      'USER_PICKER',
      '27',
      'Browse users and groups',
      'Allow users to browse all users and groups. This permission is also needed to view all users and groups in pickers.',
      false,
    ],
    [
      'CREATE_SHARED_OBJECTS',
      '22',
      'Create Shared Objects',
      'Create and share dashboards and filters with other users, groups and roles.',
      false,
    ],
    [
      'BULK_CHANGE',
      '33',
      'Make bulk changes',
      'Modify collections of issues at once. For example, resolve multiple issues in one step.',
      false,
    ],
  ];

export function permissions(user: SimUser | null, isAdmin: boolean) {
  return {
    permissions: Object.fromEntries(
      GLOBAL_PERMISSIONS.map(([key, id, name, description, adminOnly]) => [
        key,
        {
          id,
          key,
          name,
          type: 'GLOBAL',
          description,
          havePermission: user !== null && (isAdmin || !adminOnly),
        },
      ]),
    ),
  };
}
