import { isTokenShaped } from '../../shared/token.ts';

export type MalformedReason =
  | 'multiple-authorization-headers'
  | 'oversized-authorization'
  | 'invalid-characters'
  | 'empty-authorization'
  | 'bad-base64'
  | 'no-colon'
  | 'empty-username'
  | 'bad-token-checksum';

/**
 * What an Authorization header carries. The password of a Basic credential is never kept:
 * nothing after this point needs it, so nothing can log it.
 */
export type Credential =
  | { kind: 'none' }
  | { kind: 'basic-token'; username: string; secret: string }
  | { kind: 'bearer-token'; secret: string }
  | { kind: 'basic-password'; username: string }
  | { kind: 'bearer-other' }
  | { kind: 'other-scheme'; scheme: string }
  | { kind: 'malformed'; reason: MalformedReason };

/** Larger than any real credential, small enough that nothing downstream works on megabytes. */
export const MAX_AUTHORIZATION_LENGTH = 8192;
const TOKEN_PREFIX = 'ata_';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// Control characters (NUL included) never belong in a credential; a proxy or a plugin may
// still hand them over, and a C-string consumer further on would cut the value short there.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

const malformed = (reason: MalformedReason): Credential => ({ kind: 'malformed', reason });

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

function parseBasic(param: string): Credential {
  if (param.length % 4 !== 0 || !BASE64.test(param)) return malformed('bad-base64');
  const decoded = Buffer.from(param, 'base64').toString('utf8');
  if (CONTROL.test(decoded)) return malformed('invalid-characters');
  const colon = decoded.indexOf(':');
  if (colon < 0) return malformed('no-colon');
  const username = decoded.slice(0, colon);
  if (username.trim() === '') return malformed('empty-username');
  const secret = decoded.slice(colon + 1);
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
