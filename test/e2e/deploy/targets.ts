// Request targets every shipped config must sort the same way; the live proxy tests and the checks
// of the configs that do not run here (Traefik, Envoy) share them.

/** Seraph's login parameters in the query, in spellings Tomcat decodes to the same names. */
export const QUERY_CREDENTIAL_TARGETS = [
  '/rest/api/2/myself?os_username=alice&os_password=alice',
  '/rest/api/2/myself?os_authType=basic',
  '/secure/Dashboard.jspa?a=1&OS_PASSWORD=alice',
  '/secure/Dashboard.jspa?os%5Fusername=alice&os%5fpassword=alice',
  '/browse/DEMO-1?%6Fs_username=alice',
];

/** Browser traffic: no credentials, whatever its query looks like. */
export const BROWSER_TARGETS = [
  '/secure/Dashboard.jspa',
  '/login.jsp?os_destination=%2Fbrowse%2FDEMO-1',
  '/issues/?jql=project%3DDEMO',
];

/** Targets under the companion's mount that must never reach it as they are. */
export const UNNORMALISED_COMPANION_TARGETS = [
  '/api-token-auth/authz/ext-authz/../../x',
  '/api-token-auth/authz/ext-authz/%2e%2e/%2e%2e/x',
  '/api-token-auth/authz/ext-authz/%2E%2E/%2E%2E/x',
  '/api-token-auth/x/../authz/auth-request',
  '/api-token-auth/./authz/forward-auth',
  '/api-token-auth/api/v1/me/..',
  '/api-token-auth//authz/auth-request',
  '/api-token-auth/api%2fv1/me',
  '/api-token-auth/api/v1%2Fme',
  '/api-token-auth/api%5cv1/me',
  '/api-token-auth/api\\v1/me',
  '/api-token-auth/%61uthz/auth-request',
];
