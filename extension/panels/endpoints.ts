// Companion paths the panels call (issue 3, item 6), in one place.
const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const endpoints = {
  me: '/api/v1/me',
  tokens: '/api/v1/tokens',
  token: (id: string) => `/api/v1/tokens/${enc(id)}`,
  settings: (capExistingTokens = false) =>
    `/api/v1/admin/settings${capExistingTokens ? '?capExistingTokens=true' : ''}`,
  permissions: '/api/v1/admin/permissions',
  adminTokens: (filters: Record<string, string | number | undefined>) =>
    `/api/v1/admin/tokens${query(filters)}`,
  adminToken: (id: string) => `/api/v1/admin/tokens/${enc(id)}`,
  userTokens: (username: string) => `/api/v1/admin/users/${enc(username)}/tokens`,
  audit: (filters: Record<string, string | number | undefined>) => `/api/v1/admin/audit${query(filters)}`,
  auditExport: (filters: Record<string, string | number | undefined>) =>
    `/api/v1/admin/audit/export${query(filters)}`,
  userSearch: (q: string) => `/api/v1/admin/users/search${query({ q })}`,
  groupSearch: (q: string) => `/api/v1/admin/groups/search${query({ q })}`,
};
