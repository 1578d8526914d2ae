import { isTokenShaped, TOKEN_PREFIX } from '../../shared/token.ts';

export type MalformedReason =
  | 'multiple-authorization-headers'
  | 'oversized-authorization'
  | 'invalid-characters'
  | 'empty-authorization'
  | 'bad-base64'
  | 'no-colon'
  | 'empty-username'
  | 'bad-token-checksum'
  | 'two-tokens'
  | 'mixed-credentials'
  | 'token-in-query';

/**
 * What an Authorization header carries. The password of a Basic credential is never kept:
 * nothing after this point needs it, so nothing can log it. A Basic token sent in the user-name
 * field (`curl -u ata_…:`, GitHub's habit) claims no user name: `username` is null.
 */
export type Credential =
  | { kind: 'none' }
  | { kind: 'basic-token'; username: string | null; secret: string }
  | { kind: 'bearer-token'; secret: string }
  | { kind: 'basic-password'; username: string }
  | { kind: 'bearer-other' }
  | { kind: 'other-scheme'; scheme: string }
  | { kind: 'malformed'; reason: MalformedReason };

/** Larger than any real credential, small enough that nothing downstream works on megabytes. */
export const MAX_AUTHORIZATION_LENGTH = 8192;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// Control characters (NUL included) never belong in a credential; a proxy or a plugin may
// still hand them over, and a C-string consumer further on would cut the value short there.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

const malformed = (reason: MalformedReason): Credential => ({ kind: 'malformed', reason });

// `ata_` starting a word of another scheme's parameters (`token ata_…`, `key="ata_…"`), not
// inside one: an OAuth consumer key such as `metadata_sync` is the site's business.
const TOKEN_IN_PARAMS = /(?:^|[^0-9A-Za-z])ata_/i;

/**
 * Something that starts like one of our tokens but fails the checksum is a mistyped token,
 * not a password: treating it as a password would send it to the site as a failed login.
 */
function classifySecret(secret: string): 'token' | 'broken-token' | 'other' {
  // isTokenShaped narrows an unknown; here the string is known, so read its answer as a plain flag.
  const shaped: boolean = isTokenShaped(secret);
  if (shaped) return 'token';
  return secret.startsWith(TOKEN_PREFIX) ? 'broken-token' : 'other';
}

/**
 * A user-name field (or a query parameter) that looks like one of our tokens, in any case and with
 * any surrounding space: it is a token attempt, never passed on as a login name, logged or audited.
 */
const meantAsToken = (text: string) => text.trim().toLowerCase().startsWith(TOKEN_PREFIX);

/** `ata_…:` or `ata_…:anything`: the token is the user-name field, the password is ignored. */
function tokenInUsername(username: string, password: string): Credential {
  if (classifySecret(password) !== 'other') return malformed('two-tokens');
  const secret = username.trim();
  return classifySecret(secret) === 'token'
    ? { kind: 'basic-token', username: null, secret }
    : malformed('bad-token-checksum');
}

function parseBasic(param: string): Credential {
  if (param.length % 4 !== 0 || !BASE64.test(param)) return malformed('bad-base64');
  const decoded = Buffer.from(param, 'base64').toString('utf8');
  if (CONTROL.test(decoded)) return malformed('invalid-characters');
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    // A bare token without the colon is still a token attempt, not a malformed password.
    return meantAsToken(decoded) ? tokenInUsername(decoded, '') : malformed('no-colon');
  }
  const username = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  if (meantAsToken(username)) return tokenInUsername(username, secret);
  if (username.trim() === '') return malformed('empty-username');
  switch (classifySecret(secret)) {
    case 'token':
      return { kind: 'basic-token', username, secret };
    case 'broken-token':
      return malformed('bad-token-checksum');
    default:
      return { kind: 'basic-password', username };
  }
}

function parseBearer(param: string): Credential {
  switch (classifySecret(param)) {
    case 'token':
      return { kind: 'bearer-token', secret: param };
    case 'broken-token':
      return malformed('bad-token-checksum');
    default:
      return { kind: 'bearer-other' };
  }
}

/**
 * Classifies every Authorization header value of a request. Two headers are refused outright:
 * Node keeps only the first one, while the site behind the proxy may read the other.
 * Never throws.
 */
export function parseAuthorization(values: readonly string[]): Credential {
  if (values.length === 0) return { kind: 'none' };
  if (values.length > 1) return malformed('multiple-authorization-headers');
  const value = values[0] ?? '';
  if (value.length > MAX_AUTHORIZATION_LENGTH) return malformed('oversized-authorization');
  if (CONTROL.test(value)) return malformed('invalid-characters');
  const trimmed = value.trim();
  if (trimmed === '') return malformed('empty-authorization');
  const space = trimmed.search(/[ \t]/);
  const scheme = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const param = space < 0 ? '' : trimmed.slice(space).trim();
  if (scheme === 'basic') return param === '' ? malformed('empty-authorization') : parseBasic(param);
  if (scheme === 'bearer') return param === '' ? malformed('empty-authorization') : parseBearer(param);
  // A bare token (`Authorization: ata_…`) is read as Bearer. Anything else that holds something
  // meant as one of our tokens (`Bearerata_…`, `Token ata_…`) is a token attempt gone wrong: it
  // must never be handed to the site as another scheme's credential.
  if (space < 0 && classifySecret(trimmed) === 'token') return { kind: 'bearer-token', secret: trimmed };
  if (scheme.includes(TOKEN_PREFIX) || TOKEN_IN_PARAMS.test(param)) return malformed('bad-token-checksum');
  // OAuth 1.0a (application links), Negotiate and the like belong to the site.
  return { kind: 'other-scheme', scheme };
}

/** All Authorization values of a Node request, duplicates included (`req.headers` keeps one). */
export function authorizationValues(rawHeaders: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    // The length first: no lower-cased copy of every other header name, on every request.
    if (name.length === 13 && name.toLowerCase() === 'authorization') values.push(rawHeaders[i + 1] ?? '');
  }
  return values;
}

/** A token attempt: our token, or something meant to be one. Counted by the throttle. */
export function isTokenAttempt(credential: Credential): boolean {
  switch (credential.kind) {
    case 'basic-token':
    case 'bearer-token':
      return true;
    case 'malformed':
      return credential.reason === 'bad-token-checksum' || credential.reason === 'two-tokens';
    default:
      return false;
  }
}

// Seraph (Jira, Confluence) logs in from these request parameters on any URL.
const QUERY_USERNAME = 'os_username';
const QUERY_PASSWORD = 'os_password';
// Cheap test first: almost no REST call has a query that could hold them.
const MAYBE_QUERY_CREDENTIAL = /os|%/i;

/**
 * The credential a request target carries in its query (`?os_username=…&os_password=…`), which
 * the site accepts like password Basic, or null. Names are matched without regard to case and
 * after percent-decoding, as a proxy cannot know how the site's servlet container reads them. A
 * token in the query is refused outright: URLs end up in access logs and browser histories.
 */
export function queryCredential(target: string): Credential | null {
  const start = target.indexOf('?');
  if (start < 0) return null;
  const query = target.slice(start + 1);
  if (!MAYBE_QUERY_CREDENTIAL.test(query)) return null;
  let username: string | null = null;
  let found = false;
  for (const [name, value] of new URLSearchParams(query)) {
    const lower = name.toLowerCase();
    if (lower !== QUERY_USERNAME && lower !== QUERY_PASSWORD) continue;
    found = true;
    if (meantAsToken(value)) return malformed('token-in-query');
    if (lower === QUERY_USERNAME) username ??= value;
  }
  if (!found) return null;
  if (username === null || CONTROL.test(username) || username.trim() === '') {
    return { kind: 'basic-password', username: '' };
  }
  return { kind: 'basic-password', username };
}
