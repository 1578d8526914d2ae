import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../../server/services/token-hash.ts';
import {
  deriveSealingKey,
  open,
  openWith,
  publicKeyFor,
  SEAL_VERSION,
  type SealBinding,
  SealedCredentialError,
  seal,
  sealAad,
} from '../../../server/site-credentials/seal.ts';
import { generateToken } from '../../../shared/token.ts';

// Sealing a site PAT to an API token: only the token's secret opens the copy, the copy is bound to its token and
// site user, and any change to it is refused with one typed error.
const PAT = Buffer.concat([Buffer.from('123456789012:'), randomBytes(20)]).toString('base64');
const SECRET = generateToken();
const BINDING: SealBinding = { tokenId: 'tok-1', siteUserKey: 'JIRAUSER10101' };

async function sealed(): Promise<Uint8Array> {
  return seal(await publicKeyFor(SECRET, BINDING.tokenId), PAT, BINDING);
}

async function expectRefused(promise: Promise<unknown>, reason = 'cannot-open'): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SealedCredentialError);
  expect((err as SealedCredentialError).reason).toBe(reason);
  expect(String((err as Error).message)).not.toContain(PAT);
}

describe('sealing a site PAT to an API token', () => {
  it('round-trips, with the derived key or with the secret', async () => {
    const blob = await sealed();
    expect(await open(SECRET, blob, BINDING)).toBe(PAT);
    expect(await openWith(await deriveSealingKey(SECRET, BINDING.tokenId), blob, BINDING)).toBe(PAT);
  });

  it('lays the blob out as version || enc (32) || ciphertext + tag, without the PAT in it', async () => {
    const blob = await sealed();
    expect(blob[0]).toBe(SEAL_VERSION);
    expect(blob.length).toBe(1 + 32 + Buffer.byteLength(PAT) + 16);
    expect(Buffer.from(blob).includes(Buffer.from(PAT))).toBe(false);
  });

  it('uses a fresh ephemeral key each time: two copies of one PAT differ and both open', async () => {
    const [a, b] = [await sealed(), await sealed()];
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(await open(SECRET, b, BINDING)).toBe(PAT);
  });

  it('derives the public key deterministically from (secret, token id), and differently for each', async () => {
    const key = await publicKeyFor(SECRET, 'tok-1');
    expect(key).toHaveLength(32);
    expect(Buffer.from(await publicKeyFor(SECRET, 'tok-1')).equals(Buffer.from(key))).toBe(true);
    expect(Buffer.from(await publicKeyFor(SECRET, 'tok-2')).equals(Buffer.from(key))).toBe(false);
    expect(Buffer.from(await publicKeyFor(generateToken(), 'tok-1')).equals(Buffer.from(key))).toBe(false);
    expect(Buffer.from((await deriveSealingKey(SECRET, 'tok-1')).publicKey).equals(Buffer.from(key))).toBe(
      true,
    );
  });

  it('refuses a change to any byte of enc or ciphertext', async () => {
    const blob = await sealed();
    for (let i = 1; i < blob.length; i++) {
      const tampered = blob.slice();
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      await expectRefused(open(SECRET, tampered, BINDING));
    }
  });

  it('refuses a truncated, extended, empty or re-versioned blob', async () => {
    const blob = await sealed();
    await expectRefused(open(SECRET, blob.slice(0, -1), BINDING));
    await expectRefused(open(SECRET, new Uint8Array([...blob, 0]), BINDING));
    await expectRefused(open(SECRET, new Uint8Array(0), BINDING), 'malformed');
    await expectRefused(open(SECRET, blob.slice(0, 40), BINDING), 'malformed');
    const other = blob.slice();
    other[0] = 2;
    await expectRefused(open(SECRET, other, BINDING), 'unsupported-version');
  });

  it('binds the copy to its token id and site user key (AAD): moved elsewhere it does not open', async () => {
    const blob = await sealed();
    await expectRefused(open(SECRET, blob, { ...BINDING, siteUserKey: 'JIRAUSER10102' }));
    await expectRefused(open(SECRET, blob, { ...BINDING, tokenId: 'tok-2' }));
    // The other token's owner, with that token's own key, cannot open a copy sealed for tok-1 either.
    const otherSecret = generateToken();
    await expectRefused(open(otherSecret, blob, { ...BINDING, tokenId: 'tok-2' }));
  });

  it('the AAD is length-prefixed, so shifting characters between the fields changes it', () => {
    const a = sealAad({ tokenId: 'ab', siteUserKey: 'c' });
    const b = sealAad({ tokenId: 'a', siteUserKey: 'bc' });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('opens only with the right secret: another token, the stored hash or the companion key do not', async () => {
    const blob = await sealed();
    const companionKey = randomBytes(32);
    await expectRefused(open(generateToken(), blob, BINDING));
    await expectRefused(open(hashToken(companionKey, SECRET), blob, BINDING));
    await expectRefused(open(companionKey.toString('base64'), blob, BINDING));
  });

  it('a derived key for one token is refused for another token’s binding before any decryption', async () => {
    const key = await deriveSealingKey(SECRET, 'tok-1');
    await expectRefused(openWith(key, await sealed(), { ...BINDING, tokenId: 'tok-2' }), 'wrong-key');
  });

  it('rejects empty inputs and a public key of the wrong size as programming errors', async () => {
    await expect(publicKeyFor('', 'tok-1')).rejects.toThrow(TypeError);
    await expect(publicKeyFor(SECRET, '')).rejects.toThrow(TypeError);
    const key = await publicKeyFor(SECRET, 'tok-1');
    await expect(seal(key, '', BINDING)).rejects.toThrow(TypeError);
    await expect(seal(key.slice(1), PAT, BINDING)).rejects.toThrow(TypeError);
    await expect(seal(key, PAT, { ...BINDING, siteUserKey: '' })).rejects.toThrow(TypeError);
  });
});
