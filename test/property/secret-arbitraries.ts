// Generators of what goes into a credential: our tokens, near misses of them (one character off,
// a length off, another alphabet or letter case), user names (plain, unicode, blank) and
// passwords. Each piece lists the secrets planted in it, so a check can tell when one of them
// shows up where it must not.
import fc from 'fast-check';
import { generateToken } from '../../shared/token.ts';

export interface Piece {
  text: string;
  planted: string[];
}

/** A word in any mix of letter case: `bEaReR`, `AUTHORIZATION`, `OS_Username`. */
export const casedArb = (word: string): fc.Arbitrary<string> =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const piece = (text: string, planted: string[] = []): Piece => ({ text, planted });

/** A valid token from fast-check's randomness (reduced below 248, so generateToken never loops). */
export const tokenArb: fc.Arbitrary<string> = fc
  .uint8Array({ minLength: 54, maxLength: 54 })
  .map((bytes) => generateToken(() => bytes.map((byte) => byte % 248)));

/** Near misses: one character changed, a length off by one, another alphabet, another letter case. */
export const mistypedArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(tokenArb, fc.integer({ min: 4, max: 36 }), fc.integer({ min: 1, max: 61 }))
    .map(([t, i, shift]) => {
      const at = BASE62.indexOf(t[i] as string);
      return t.slice(0, i) + BASE62[(at + shift) % 62] + t.slice(i + 1);
    }),
  tokenArb.map((t) => t.slice(0, -1)),
  fc.tuple(tokenArb, fc.constantFrom(...BASE62)).map(([t, c]) => t + c),
  fc
    .tuple(
      tokenArb,
      fc.integer({ min: 4, max: 36 }),
      fc.constantFrom('-', '_', '+', '/', '=', 'é', ' ', '\t', ':'),
    )
    .map(([t, i, c]) => t.slice(0, i) + c + t.slice(i + 1)),
  fc.tuple(tokenArb, fc.integer({ min: 0, max: 36 })).map(([t, n]) => t.slice(0, 4 + n)),
  fc.string({ maxLength: 40 }).map((rest) => `ata_${rest}`),
  tokenArb.map((t) => `${t} `),
);
export const otherCaseArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(tokenArb, fc.constantFrom('ATA_', 'Ata_', 'aTa_', 'atA_')).map(([t, p]) => p + t.slice(4)),
  tokenArb.map((t) => t.toUpperCase()),
);

/** Something in the user-name field that is meant to be a token. */
export const tokenUserArb: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 4, arbitrary: tokenArb.map((t) => piece(t, [t])) },
  { weight: 2, arbitrary: mistypedArb.map((t) => piece(t, [t])) },
  { weight: 1, arbitrary: otherCaseArb.map((t) => piece(t, [t])) },
  {
    weight: 1,
    arbitrary: fc.tuple(tokenArb, fc.constantFrom(' ', '  ', '\t')).map(([t, s]) => piece(s + t + s, [t])),
  },
);

const NO_COLON_OR_CONTROL = (text: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are filtered out here
  !/[:\u0000-\u001f\u007f]/.test(text) && !/^\s*ata_/i.test(text);

/** Any other user name: plain, with spaces, unicode, blank, or a near miss of the token prefix. */
export const plainUserArb: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9._@-]{0,15}$/).map((u) => piece(u)) },
  {
    weight: 2,
    arbitrary: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
      .filter(NO_COLON_OR_CONTROL)
      .map((u) => piece(u)),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('Jörg Müller', 'ユーザー', 'alice smith', ' alice', 'alice\t', 'x@y.example')
      .map((u) => piece(u)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ' ', '\t', '\u00a0', '\u3000', '\ufeff', '  \t').map((u) => piece(u)),
  },
  // Near misses of the prefix are user names like any other (`xata_…` even holds a whole token).
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('xata_', 'at_', 'ata-', 'ata', 'atа_')
      .chain((p) => tokenArb.map((t) => piece(p + t.slice(4)))),
  },
);

/** A password: empty, plain, with colons, unicode, a token, a near miss, or a token after a space. */
export const passwordArb: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(piece('')) },
  {
    weight: 3,
    arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 24 }).map((p) => piece(p, [p])),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map((p) => piece(p, [p])),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('correct horse:battery', 'a:b:c', 'x', 'p@ss w0rd').map((p) => piece(p, [p])),
  },
  { weight: 3, arbitrary: tokenArb.map((t) => piece(t, [t])) },
  { weight: 2, arbitrary: mistypedArb.map((t) => piece(t, [t])) },
  { weight: 1, arbitrary: otherCaseArb.map((t) => piece(t, [t])) },
  { weight: 1, arbitrary: tokenArb.map((t) => piece(` ${t}`, [t])) },
);
