// Reference model of how an Authorization header must be classified, written from the rules
// (RFC 9110 credentials, RFC 7617 Basic, the token format, issue 10) rather than from
// server/authz/credentials.ts. It answers with every outcome the rules allow for a request:
// usually one, several where the rules leave a choice open (which secret a request with two
// tokens uses, how a token in the user name is reported).
import { isTokenShaped } from '../../shared/token.ts';

export type Expected =
  | { kind: 'none' }
  | { kind: 'malformed' }
  /** One of our tokens; `username` is the user name to report, or null when it was the token itself. */
  | { kind: 'token'; secrets: string[]; username: string | null; scheme: 'basic' | 'bearer' }
  | { kind: 'basic-password'; username: string }
  | { kind: 'bearer-other' }
  | { kind: 'other-scheme'; scheme: string };

export const MAX_LENGTH = 8192;
// Control characters other than tab never belong in a header or a credential (NUL, CR, LF, DEL).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
// RFC 9110: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ], with optional
// whitespace (spaces and tabs only) around the field value.
const CREDENTIALS = /^[ \t]*([^ \t]+)(?:[ \t]+(.*?))?[ \t]*$/s;
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BLANK = /^\s*$/;

/** isTokenShaped as a plain flag: its type guard would narrow a string to never on the false side. */
export const isToken = (text: string): boolean => isTokenShaped(text);

/** Anything starting like one of our tokens, in any letter case. */
export const looksLikeToken = (text: string): boolean => /^ata_/i.test(text);

/** A secret with the exact prefix that fails the checksum is a mistyped token. */
function secretKind(text: string): 'token' | 'mistyped' | 'other' {
  if (isToken(text)) return 'token';
  return text.startsWith('ata_') ? 'mistyped' : 'other';
}

const malformed: Expected = { kind: 'malformed' };

function decodeBase64Utf8(param: string): string {
  const bytes = Uint8Array.from(atob(param), (char) => char.charCodeAt(0));
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

function basic(param: string): Expected[] {
  if (!CANONICAL_BASE64.test(param)) return [malformed];
  const decoded = decodeBase64Utf8(param);
  if (CONTROL.test(decoded)) return [malformed];
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  // The rule of issue 10: a user name that looks like one of our tokens (any case, spaces around
  // it ignored) is a token attempt, never a password, and is then never reported as a user name.
  // `curl -u ata_…:` sends it with an empty password; without a colon it is still a token.
  if (looksLikeToken(user.trim())) return tokenInUserName(user.trim(), password);
  if (colon < 0 || BLANK.test(user)) return [malformed];
  switch (secretKind(password)) {
    case 'token':
      return [{ kind: 'token', secrets: [password], username: user, scheme: 'basic' }];
    case 'mistyped':
      return [malformed];
    default:
      // `ATA_…`, or ` ata_…` with a space first: the rules leave open whether that is a
      // mistyped token or a password.
      return looksLikeToken(password.trim())
        ? [{ kind: 'basic-password', username: user }, malformed]
        : [{ kind: 'basic-password', username: user }];
  }
}

/** A token attempt in the user-name field: one token is used, anything ambiguous may be refused. */
function tokenInUserName(user: string, password: string): Expected[] {
  const tokens = [user, password].filter((text) => isToken(text));
  const allowed: Expected[] = [];
  if (tokens.length > 0) allowed.push({ kind: 'token', secrets: tokens, username: null, scheme: 'basic' });
  const clear = isToken(user) && !looksLikeToken(password.trim());
  if (!clear) allowed.push(malformed);
  return allowed;
}

function bearer(param: string): Expected[] {
  switch (secretKind(param)) {
    case 'token':
      return [{ kind: 'token', secrets: [param], username: null, scheme: 'bearer' }];
    case 'mistyped':
      return [malformed];
    default:
      return looksLikeToken(param) ? [{ kind: 'bearer-other' }, malformed] : [{ kind: 'bearer-other' }];
  }
}

/** Every outcome the rules allow for a request with these Authorization values, in order. */
export function expectedOutcomes(values: readonly string[]): Expected[] {
  if (values.length === 0) return [{ kind: 'none' }];
  // Two headers: the companion would read one and the site perhaps the other.
  if (values.length > 1) return [malformed];
  const value = values[0] as string;
  if (value.length > MAX_LENGTH || CONTROL.test(value)) return [malformed];
  // Other whitespace at either end (U+00A0 from a latin-1 header) is outside RFC 9110; the rules
  // leave open whether it is trimmed, so both readings are allowed.
  const trimmed = value.trim();
  const strict = outcomesOf(value);
  return trimmed === value.replace(/^[ \t]+|[ \t]+$/g, '') ? strict : [...strict, ...outcomesOf(trimmed)];
}

function outcomesOf(value: string): Expected[] {
  const parts = CREDENTIALS.exec(value);
  if (parts === null) return [malformed];
  const written = parts[1] as string;
  const scheme = written.toLowerCase();
  const param = parts[2] ?? '';
  if (scheme === 'basic') return param === '' ? [malformed] : basic(param);
  if (scheme === 'bearer') return param === '' ? [malformed] : bearer(param);
  return otherScheme(written, param);
}

/**
 * Any other scheme is the site's business (OAuth for application links, Negotiate), unless one of
 * our tokens is what it carries: `Authorization: ata_…` with no scheme, `Bearerata_…` with no
 * space, or GitHub's habit `token ata_…`. That is a token attempt too: checked or refused, never
 * handed to the site, and the scheme reported never holds it.
 */
function otherScheme(written: string, param: string): Expected[] {
  const first = param.split(/[ \t]/)[0] ?? '';
  // Anything meant as one of our tokens in another scheme's credential (in the scheme word, or
  // starting a word of its parameters) is a token attempt: it never goes to the site as that
  // scheme's credential. `metadata_sync` inside a parameter is no token.
  if (!/ata_/i.test(written) && !/(?:^|[^0-9A-Za-z])ata_/i.test(param) && !looksLikeToken(first))
    return [{ kind: 'other-scheme', scheme: written.toLowerCase() }];
  const tokens = [written, first].filter((text) => isToken(text));
  const allowed: Expected[] = [malformed];
  if (tokens.length > 0) allowed.push({ kind: 'token', secrets: tokens, username: null, scheme: 'bearer' });
  return allowed;
}

/** The Authorization values of a raw header list: names compared in ASCII case only. */
export function modelAuthorizationValues(rawHeaders: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (name === 'authorization') values.push(rawHeaders[i + 1] as string);
  }
  return values;
}
