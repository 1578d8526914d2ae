// The admin tabs, in their order; pure, so page routing and the panel share them.
export const ADMIN_TABS = ['settings', 'permissions', 'tokens', 'audit'] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];

export function isAdminTab(value: unknown): value is AdminTab {
  return (ADMIN_TABS as readonly unknown[]).includes(value);
}
