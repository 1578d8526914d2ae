import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  crc32,
  generateToken,
  isTokenShaped,
  parseToken,
  TOKEN_LENGTH,
  TOKEN_PREFIX,
  tokenHint,
} from '../../../shared/token.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('token format', () => {
  it('is ata_ + 27 random base62 characters + a 6-character checksum', () => {
    const token = generateToken();
    expect(token).toMatch(/^ata_[0-9A-Za-z]{33}$/);
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(parseToken(token)).toEqual({ body: token.slice(0, 31), checksum: token.slice(31) });
  });

  it('carries at least 160 bits of randomness', () => {
    expect(27 * Math.log2(62)).toBeGreaterThanOrEqual(160);
  });

  it('computes the same CRC32 as zlib', () => {
    for (const text of ['', 'ata_', 'hello', 'ata_0123456789abcdefghijklmnopq']) {
      expect(crc32(text)).toBe(zlibCrc32(text));
    }
  });

  it('is deterministic for an injected random source and never uses biased bytes', () => {
    // 248..255 would bias the alphabet: they must be skipped.
    const bytes = (n: number) => new Uint8Array(n).map((_, i) => (i % 2 === 0 ? 255 : i % 62));
    const a = generateToken(bytes);
    expect(a).toBe(generateToken(bytes));
    expect(a.slice(4, 31)).toBe(Array.from({ length: 27 }, (_, k) => BASE62[(2 * k + 1) % 62]).join(''));
  });

  it('10,000 generated tokens all parse and fail on any single-character change', () => {
    const seen = new Set<string>();
    let mutations = 0;
    for (let n = 0; n < 10_000; n++) {
      const token = generateToken();
      expect(isTokenShaped(token)).toBe(true);
      seen.add(token);
      // Change one character of the random part or checksum to another base62 character.
      const position = 4 + (n % (TOKEN_LENGTH - 4));
      const original = token[position] as string;
      const replacement = BASE62[(BASE62.indexOf(original) + 1 + (n % 61)) % 62] as string;
      const mutated = token.slice(0, position) + replacement + token.slice(position + 1);
      expect(parseToken(mutated)).toBeNull();
      mutations++;
    }
    expect(seen.size).toBe(10_000);
    expect(mutations).toBe(10_000);
  });

  it('fails every single-character change of one token, at every position', () => {
    const token = generateToken();
    for (let position = 0; position < token.length; position++) {
      for (const c of `${BASE62}_-`) {
        if (c === token[position]) continue;
        const mutated = token.slice(0, position) + c + token.slice(position + 1);
        expect(isTokenShaped(mutated), `${position}:${c}`).toBe(false);
      }
    }
  });

  it('returns null (never throws) for anything else', () => {
    const token = generateToken();
    const inputs: unknown[] = [
      undefined,
      null,
      42,
      {},
      '',
      TOKEN_PREFIX,
      token.slice(0, -1),
      `${token}x`,
      token.toUpperCase(),
      `ATA_${token.slice(4)}`,
      `${token.slice(0, 10)}\u0000${token.slice(11)}`,
      `${token.slice(0, 10)}é${token.slice(11)}`,
      ' '.repeat(TOKEN_LENGTH),
      'x'.repeat(100_000),
    ];
    for (const input of inputs) expect(parseToken(input)).toBeNull();
  });

  it('shows the last four characters as the hint', () => {
    const token = generateToken();
    expect(tokenHint(token)).toBe(token.slice(-4));
  });
});
