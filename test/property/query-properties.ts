// The property of query credentials (queryCredential in server/authz/credentials.ts): Seraph logs
// in from `os_username`/`os_password` on any URL, so the companion must see every spelling of
// them a servlet container may decode, and a token there is refused, never taken as a password.
import fc from 'fast-check';
import { type Credential, queryCredential } from '../../server/authz/credentials.ts';
import { CONTROL, looksLikeToken } from './credential-model.ts';
import { ok, type PropertyDefinition, show, verdict } from './property-kit.ts';
import { casedArb, mistypedArb, otherCaseArb, tokenArb } from './secret-arbitraries.ts';

type Expected = { kind: 'none' } | { kind: 'malformed' } | { kind: 'basic-password'; username: string };

/** application/x-www-form-urlencoded decoding as WHATWG states it: `+` is a space, bad `%` stays. */
function formDecode(text: string): string {
  const encoder = new TextEncoder();
  const bytes = [...text.replace(/\+/g, ' ').matchAll(/%[0-9A-Fa-f]{2}|./gsu)].flatMap(([part]) =>
    part.length === 3 && part.startsWith('%')
      ? [Number.parseInt(part.slice(1), 16)]
      : [...encoder.encode(part)],
  );
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array(bytes));
}

const NAMES = new Set(['os_username', 'os_password']);

/** What a request target's query must count as: nothing, a refused token attempt, or password Basic. */
function expectedFor(target: string): Expected {
  const start = target.indexOf('?');
  if (start < 0) return { kind: 'none' };
  const pairs = target
    .slice(start + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const [name, value] = equals < 0 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
      return { name: formDecode(name).replace(/[A-Z]/g, (c) => c.toLowerCase()), value: formDecode(value) };
    })
    .filter(({ name }) => NAMES.has(name));
  if (pairs.length === 0) return { kind: 'none' };
  // A token in the query would end up in access logs and histories: refused, whichever field.
  if (pairs.some(({ value }) => looksLikeToken(value.trim()))) return { kind: 'malformed' };
  const username = pairs.find(({ name }) => name === 'os_username')?.value ?? '';
  const usable = username.trim() !== '' && !CONTROL.test(username);
  return { kind: 'basic-password', username: usable ? username : '' };
}

/** Percent-encodes some characters of a text (either hex case), as a client trying its luck might. */
const obfuscateArb = (text: string) =>
  fc.array(fc.nat({ max: 3 }), { minLength: text.length, maxLength: text.length }).map((picks) =>
    [...text]
      .map((char, i) => {
        const hex = [...new TextEncoder().encode(char)]
          .map((b) => `%${b.toString(16).padStart(2, '0')}`)
          .join('');
        return picks[i] === 0 ? hex : picks[i] === 1 ? hex.toUpperCase() : char;
      })
      .join(''),
  );

const nameArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('os_username', 'os_password') },
  { weight: 2, arbitrary: fc.constantFrom('os_username', 'os_password').chain(casedArb) },
  { weight: 2, arbitrary: fc.constantFrom('os_username', 'os_password').chain(obfuscateArb) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'os_user',
      'xos_username',
      'os_username+',
      'os_password%20',
      'jql',
      'expand',
      'os_authType',
    ),
  },
);
const valueArb = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9.@-]{0,12}$/) },
  { weight: 3, arbitrary: fc.oneof(tokenArb, mistypedArb, otherCaseArb) },
  { weight: 2, arbitrary: fc.oneof(tokenArb, mistypedArb).chain(obfuscateArb) },
  { weight: 1, arbitrary: tokenArb.map((t) => `+${t}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '+', '%20', '%00alice', 'al%0Aice', '%zz', '%', 'J%C3%B6rg', '%FF'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
);
const pairArb = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(nameArb, valueArb).map(([name, value]) => `${name}=${value}`) },
  { weight: 1, arbitrary: nameArb },
  { weight: 1, arbitrary: fc.constantFrom('', '=', '&') },
);
const targetArb = fc
  .tuple(
    fc.constantFrom('/rest/api/2/myself', '/jira/rest/api/2/search', '/secure/Dashboard.jspa', '/'),
    fc.oneof(
      { weight: 9, arbitrary: fc.array(pairArb, { maxLength: 5 }).map((p) => `?${p.join('&')}`) },
      fc.constant(''),
    ),
  )
  .map(([path, query]) => path + query);

const fits = (result: Credential | null, expected: Expected) =>
  expected.kind === 'none'
    ? result === null
    : expected.kind === 'malformed'
      ? result?.kind === 'malformed'
      : result?.kind === 'basic-password' &&
        result.username === expected.username &&
        Object.keys(result).length === 2;

export const queryCredentials: PropertyDefinition<string> = {
  name: 'query credentials: os_username/os_password in any spelling are checked, a token there refused',
  arbitrary: targetArb,
  check(target) {
    const result = queryCredential(target);
    const expected = expectedFor(target);
    if (fits(result, expected)) return ok;
    // Unseen credentials, or a token taken as a password, reach the site unchecked.
    const allows =
      expected.kind !== 'none' &&
      (result === null || (expected.kind === 'malformed' && result.kind !== 'malformed'));
    return verdict(
      allows ? 'wrong-allow' : 'disagreement',
      `queryCredential(${show(target)}) is ${show(result)}, the model says ${show(expected)}`,
    );
  },
};
