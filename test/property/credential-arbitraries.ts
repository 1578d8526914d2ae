// Generators of Authorization headers for the property tests, built to hit the hard cases: our
// tokens and near misses in either Basic field or after Bearer, mixed-case schemes, spaces and
// tabs, control characters, several headers, oversized values, broken base64 and plain garbage.
import fc from 'fast-check';
import {
  casedArb,
  mistypedArb,
  otherCaseArb,
  type Piece,
  passwordArb,
  piece,
  plainUserArb,
  tokenArb,
  tokenUserArb,
} from './secret-arbitraries.ts';

export interface CredentialCase {
  /** A Node-style raw header list: name, value, name, value… */
  raw: string[];
  /** Tokens, mistyped tokens and passwords put into the headers. */
  planted: string[];
}

const CONTROLS = ['\u0000', '\r', '\n', '\r\n', '\u001b', '\u007f', '\u0008', '\u000b', '\u000c'];
const insertArb = (text: string, what: fc.Arbitrary<string>) =>
  fc.tuple(fc.nat({ max: text.length }), what).map(([at, c]) => text.slice(0, at) + c + text.slice(at));

const utf8Base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The Basic credential's base64, usually canonical, sometimes broken or from another encoding. */
function encodeArb(decoded: string): fc.Arbitrary<string> {
  const canonical = utf8Base64(decoded);
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(canonical) },
    { weight: 1, arbitrary: fc.constant(Buffer.from(decoded, 'latin1').toString('base64')) },
    { weight: 1, arbitrary: fc.constant(canonical.replace(/=+$/, '')) },
    { weight: 1, arbitrary: fc.constant(canonical.replace(/\+/g, '-').replace(/\//g, '_')) },
    {
      weight: 1,
      arbitrary: insertArb(canonical, fc.constantFrom(' ', '\t', '=', '==', '!', '.', '====', 'é')),
    },
    { weight: 1, arbitrary: fc.constant(`${canonical}====`) },
  );
}

/** The decoded Basic credential: user, colon, password; sometimes no colon, sometimes a control character. */
function basicArb(userArb: fc.Arbitrary<Piece>): fc.Arbitrary<Piece> {
  return fc
    .tuple(
      userArb,
      passwordArb,
      fc.oneof(
        { weight: 10, arbitrary: fc.constant('plain') },
        fc.constantFrom('no-colon', 'control', 'bytes'),
      ),
    )
    .chain(([user, password, shape]) => {
      const planted = [...user.planted, ...password.planted];
      const decoded =
        shape === 'no-colon'
          ? fc.constant(user.text)
          : shape === 'control'
            ? insertArb(`${user.text}:${password.text}`, fc.constantFrom(...CONTROLS))
            : fc.constant(`${user.text}:${password.text}`);
      if (shape === 'bytes') {
        return fc
          .uint8Array({ maxLength: 40 })
          .map((bytes) => piece(Buffer.from(bytes).toString('base64'), planted));
      }
      return decoded.chain(encodeArb).map((param) => piece(param, planted));
    });
}

const OWS = fc.constantFrom('', '', ' ', '\t', '  ', ' \t');
const SEPARATOR = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(' ', ' ', '  ', '\t', ' \t ') },
  fc.constantFrom('', ',', ':', '=', '\u00a0'),
);

/** A whole header value: optional whitespace, a scheme in any case, a separator, the credential. */
function headerArb(schemeArb: fc.Arbitrary<string>, paramArb: fc.Arbitrary<Piece>): fc.Arbitrary<Piece> {
  return fc
    .tuple(OWS, schemeArb, SEPARATOR, paramArb, OWS)
    .map(([before, scheme, separator, param, after]) =>
      piece(before + scheme + separator + param.text + after, param.planted),
    );
}

const bearerParamArb: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 4, arbitrary: tokenArb.map((t) => piece(t, [t])) },
  { weight: 2, arbitrary: mistypedArb.map((t) => piece(t, [t])) },
  { weight: 1, arbitrary: otherCaseArb.map((t) => piece(t, [t])) },
  {
    weight: 1,
    arbitrary: fc.tuple(tokenArb, fc.string({ maxLength: 8 })).map(([t, s]) => piece(`${t} ${s}`, [t])),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(tokenArb, fc.stringMatching(/^[a-z]{1,6}$/)).map(([t, s]) => piece(`${s} ${t}`, [t])),
  },
  // The site's own personal access tokens: base64 of 33 bytes, 44 characters.
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ minLength: 33, maxLength: 33 })
      .map((b) => piece(Buffer.from(b).toString('base64'))),
  },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }).map((s) => piece(s)) },
);

/** What other schemes really carry: OAuth 1.0a parameters (application links), SPNEGO blobs, Digest. */
const otherParamArb: fc.Arbitrary<Piece> = fc.oneof(
  fc
    .stringMatching(/^[a-z0-9]{8,20}$/)
    .map((key) =>
      piece(`oauth_consumer_key="${key}", oauth_signature_method="RSA-SHA1", oauth_nonce="${key}"`),
    ),
  fc.uint8Array({ minLength: 8, maxLength: 60 }).map((b) => piece(Buffer.from(b).toString('base64'))),
  fc
    .stringMatching(/^[a-z]{1,10}$/)
    .map((user) => piece(`username="${user}", realm="jira", nonce="abc", response="0f"`)),
  // Our prefix inside other parameters, where it is no token.
  fc
    .constantFrom(
      'username="data_admin", realm="jira"',
      'oauth_consumer_key="metadata_sync", oauth_nonce="1"',
    )
    .map((p) => piece(p)),
);

const OTHER_SCHEMES = [
  'OAuth',
  'Negotiate',
  'Digest',
  'NTLM',
  'token',
  'AWS4-HMAC-SHA256',
  'Basics',
  'Bearers',
  'Baerer',
  'Вasic',
  'ata_x',
];

/** Authorization values without a token in the user-name field. */
export const plainValueArb: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 6, arbitrary: headerArb(casedArb('basic'), basicArb(plainUserArb)) },
  { weight: 4, arbitrary: headerArb(casedArb('bearer'), bearerParamArb) },
  {
    weight: 2,
    arbitrary: headerArb(
      fc.constantFrom(...OTHER_SCHEMES),
      fc.oneof({ weight: 3, arbitrary: otherParamArb }, bearerParamArb, basicArb(plainUserArb)),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('Basic', 'BEARER', 'bearer', 'OAuth', 'ata_'), OWS)
      .map(([s, w]) => piece(s + w)),
  },
  // A token with no scheme at all: `curl -H "Authorization: ata_…"`.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.oneof(tokenArb, mistypedArb, otherCaseArb), OWS)
      .map(([t, w]) => piece(t + w, [t])),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '  \t ').map((v) => piece(v)) },
);

/** Basic values with a token, a near miss or another-case prefix in the user-name field. */
export const tokenUserValueArb: fc.Arbitrary<Piece> = headerArb(casedArb('basic'), basicArb(tokenUserArb));

/** Control characters anywhere, or padding to just under, at and over the size limit. */
function damagedArb(valueArb: fc.Arbitrary<Piece>): fc.Arbitrary<Piece> {
  return fc.oneof(
    { weight: 8, arbitrary: valueArb },
    {
      weight: 1,
      arbitrary: valueArb.chain((v) =>
        insertArb(v.text, fc.constantFrom(...CONTROLS)).map((t) => piece(t, v.planted)),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valueArb, fc.constantFrom(8191, 8192, 8193, 8200, 20000))
        .map(([v, length]) => piece(v.text.padEnd(length, ' '), v.planted)),
    },
  );
}

const DECOYS = [
  'Host',
  'Proxy-Authorization',
  'X-Authorization',
  'Authorization ',
  'authorizatio',
  'Authorisation',
  'WWW-Authenticate',
  'X-Forwarded-User',
  'Cookie',
];
const AUTHORIZATION = casedArb('authorization');

/** A raw header list: usually one Authorization header, sometimes none or several, between decoys. */
export function requestArb(valueArb: fc.Arbitrary<Piece>): fc.Arbitrary<CredentialCase> {
  const values = damagedArb(valueArb);
  const count = fc.oneof(
    { weight: 20, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 2, max: 3 }) },
  );
  const decoy = fc.tuple(
    fc.constantFrom(...DECOYS),
    fc.oneof(
      values.map((v) => v.text),
      fc.string({ maxLength: 10 }),
    ),
  );
  return fc
    .tuple(
      count.chain((n) => fc.array(fc.tuple(AUTHORIZATION, values), { minLength: n, maxLength: n })),
      fc.array(decoy, { maxLength: 3 }),
      fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    )
    .map(([auth, decoys, order]) => {
      const raw: string[] = [];
      const planted: string[] = [];
      const rest = [...decoys];
      for (const [name, value] of auth) {
        while (order.shift() && rest.length > 0) raw.push(...(rest.shift() as [string, string]));
        raw.push(name, value.text);
        planted.push(...value.planted);
      }
      for (const [name, value] of rest) raw.push(name, value);
      return { raw, planted };
    });
}

/** Values no client sends on purpose: random text, latin-1 bytes, unicode, and our prefixes in odd places. */
export const garbageValueArb: fc.Arbitrary<Piece> = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => piece(s)),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => piece(s)),
  fc
    .string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 60 })
    .map((s) => piece(s)),
  fc
    .tuple(
      fc.constantFrom('Basic ', 'Bearer ', 'basic\t', ''),
      fc.string({ unit: 'binary-ascii', maxLength: 60 }),
    )
    .map(([s, r]) => piece(s + r)),
  fc
    .tuple(fc.constantFrom('Basic ', 'Bearer '), fc.uint8Array({ maxLength: 60 }))
    .map(([s, b]) => piece(s + Buffer.from(b).toString('base64'))),
);
