// The API token format, shared by the companion server and the extension:
//   ata_ + 27 base62 characters of CSPRNG output (27 × log2(62) ≈ 160.7 bits)
//        + 6 base62 characters of CRC32 over everything before it (zero-padded).
// The checksum lets both sides (and secret scanners) reject a mistyped or made-up token
// without a database read. No Node-only imports here: the extension bundles this file.

export const TOKEN_PREFIX = 'ata_';
export const TOKEN_RANDOM_LENGTH = 27;
export const TOKEN_CHECKSUM_LENGTH = 6;
export const TOKEN_LENGTH = TOKEN_PREFIX.length + TOKEN_RANDOM_LENGTH + TOKEN_CHECKSUM_LENGTH;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE62_RE = /^[0-9A-Za-z]+$/;
// 248 = 4 × 62: bytes at or above it are dropped so every base62 digit is equally likely.
const UNBIASED_LIMIT = 248;

/** Fills a buffer of n bytes with cryptographically secure randomness (injected in tests). */
export type RandomSource = (n: number) => Uint8Array;

const cryptoRandom: RandomSource = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE, as zlib) over the ASCII text; a pure version so the browser can use it too. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function toBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

function checksumOf(body: string): string {
  return toBase62(crc32(body), TOKEN_CHECKSUM_LENGTH);
}

/** A fresh token secret. `random` is the randomness source (crypto by default). */
export function generateToken(random: RandomSource = cryptoRandom): string {
  let chars = '';
  while (chars.length < TOKEN_RANDOM_LENGTH) {
    for (const byte of random(TOKEN_RANDOM_LENGTH * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      chars += BASE62[byte % 62];
      if (chars.length === TOKEN_RANDOM_LENGTH) break;
    }
  }
  const body = TOKEN_PREFIX + chars;
  return body + checksumOf(body);
}

/** Splits a token into its body (prefix + random part) and checksum; null when it is not a valid token. */
export function parseToken(s: unknown): { body: string; checksum: string } | null {
  if (typeof s !== 'string' || s.length !== TOKEN_LENGTH || !s.startsWith(TOKEN_PREFIX)) return null;
  const body = s.slice(0, TOKEN_LENGTH - TOKEN_CHECKSUM_LENGTH);
  const checksum = s.slice(TOKEN_LENGTH - TOKEN_CHECKSUM_LENGTH);
  if (!BASE62_RE.test(s.slice(TOKEN_PREFIX.length))) return null;
  return checksumOf(body) === checksum ? { body, checksum } : null;
}

/** True when the string has the prefix, length, alphabet and a matching checksum. */
export function isTokenShaped(s: unknown): s is string {
  return parseToken(s) !== null;
}

/** The part of a secret that may be shown again after creation (its last four characters). */
export function tokenHint(secret: string): string {
  return secret.slice(-4);
}
