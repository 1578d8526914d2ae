import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../../server/authz/memo.ts';

describe('boundedMemo', () => {
  it('computes each input once while it is remembered, null results included', () => {
    const seen: string[] = [];
    const parse = boundedMemo((input) => {
      seen.push(input);
      return input === 'junk' ? null : input.toUpperCase();
    }, 10);
    expect([parse('a'), parse('a'), parse('junk'), parse('junk')]).toEqual(['A', 'A', null, null]);
    expect(seen).toEqual(['a', 'junk']);
  });

  it('forgets everything once it holds max inputs, so its memory stays bounded', () => {
    const seen: string[] = [];
    const parse = boundedMemo((input) => {
      seen.push(input);
      return input.length;
    }, 2);
    for (const input of ['a', 'bb', 'ccc', 'a', 'ccc']) parse(input);
    // 'ccc' found the memory full and emptied it: 'a' is computed again, 'ccc' is remembered.
    expect(seen).toEqual(['a', 'bb', 'ccc', 'a']);
  });
});
