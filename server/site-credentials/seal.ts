import { hkdf } from 'node:crypto';
import { promisify } from 'node:util';
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';

// A site personal access token is stored only sealed (HPKE, RFC 9180 base mode) to a public key that is derived
// from the API token's secret. Sealing needs only the public key, so a PAT created during the owner's session can
// be sealed for every one of their tokens at once; opening needs the token secret itself, which the companion
// never stores. The database alone, or the database plus the companion's HMAC key, therefore reveals no PAT: the
// HMAC key only hashes secrets, and the private key is a function of the secret, not of the hash.
//
// Sealed blob: version byte (1) || enc (32, the ephemeral X25519 public key) || AES-256-GCM ciphertext and tag.
// The AAD binds the blob to its version, API token id and site user key, so a blob copied to another token's or
// user's row does not open.

export const SEAL_VERSION = 1;
/** Domain separation for the key derivation and the HPKE `info`: no other use of the secret yields these keys. */
export const SEALING_LABEL = 'api-token-auth site-credential v1';

const ENC_LENGTH = 32;
const TAG_LENGTH = 16;
const encoder = new TextEncoder();
const LABEL_BYTES = encoder.encode(SEALING_LABEL);
const hkdfAsync = promisify(hkdf);

/** The one suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM. Exported so tests pin it to RFC 9180. */
export const SEALING_SUITE = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});

/** What a sealed copy belongs to; part of the AEAD's additional data. */
export interface SealBinding {
  /** The API token's id (the row the sealed copy is stored with). */
  tokenId: string;
  /** The site's user key of the token owner (Jira `JIRAUSER10100`, Confluence's 32 hex). */
  siteUserKey: string;
}

/** The derived key pair of one API token. Holding it skips the derivation; keep it only beside the secret's use. */
export interface SealingKey {
  readonly tokenId: string;
  readonly publicKey: Uint8Array;
  readonly privateKey: CryptoKey;
}

export type SealErrorReason = 'malformed' | 'unsupported-version' | 'wrong-key' | 'cannot-open';

/** A sealed copy that is not for this token, was changed, or is not a sealed copy at all. */
export class SealedCredentialError extends Error {
  constructor(
    readonly reason: SealErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'SealedCredentialError';
  }
}

function nonEmpty(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`${what} must be a non-empty string`);
}

/** Input keying material for RFC 9180 DeriveKeyPair: HKDF-SHA256 of the secret, salted with the label, per token. */
async function keyMaterial(tokenSecret: string, tokenId: string): Promise<ArrayBuffer> {
  nonEmpty(tokenSecret, 'tokenSecret');
  nonEmpty(tokenId, 'tokenId');
  return hkdfAsync('sha256', tokenSecret, LABEL_BYTES, encoder.encode(`token:${tokenId}`), 32);
}

/** The token's key pair, deterministic in (secret, token id). The expensive step: cache the result, not the secret. */
export async function deriveSealingKey(tokenSecret: string, tokenId: string): Promise<SealingKey> {
  const pair = await SEALING_SUITE.kem.deriveKeyPair(await keyMaterial(tokenSecret, tokenId));
  const publicKey = new Uint8Array(await SEALING_SUITE.kem.serializePublicKey(pair.publicKey));
  return { tokenId, publicKey, privateKey: pair.privateKey };
}

/** The 32-byte public key to store with a new API token, so PATs can later be sealed for it without its secret. */
export async function publicKeyFor(tokenSecret: string, tokenId: string): Promise<Uint8Array> {
  return (await deriveSealingKey(tokenSecret, tokenId)).publicKey;
}

/** Length-prefixed, so ("ab", "c") and ("a", "bc") differ. */
export function sealAad(binding: SealBinding): Uint8Array {
  nonEmpty(binding.tokenId, 'tokenId');
  nonEmpty(binding.siteUserKey, 'siteUserKey');
  const parts = [encoder.encode(binding.tokenId), encoder.encode(binding.siteUserKey)];
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  out[0] = SEAL_VERSION;
  let at = 1;
  for (const part of parts) {
    view.setUint32(at, part.length);
    out.set(part, at + 4);
    at += 4 + part.length;
  }
  return out;
}

/** Seals `pat` to a token's stored public key. Each call uses a fresh ephemeral key, so copies never repeat. */
export async function seal(publicKey: Uint8Array, pat: string, binding: SealBinding): Promise<Uint8Array> {
  nonEmpty(pat, 'pat');
  if (publicKey.length !== ENC_LENGTH) throw new TypeError('publicKey must be 32 bytes (X25519)');
  const recipientPublicKey = await SEALING_SUITE.kem.deserializePublicKey(publicKey);
  const { enc, ct } = await SEALING_SUITE.seal(
    { recipientPublicKey, info: LABEL_BYTES },
    encoder.encode(pat),
    sealAad(binding),
  );
  const out = new Uint8Array(1 + enc.byteLength + ct.byteLength);
  out[0] = SEAL_VERSION;
  out.set(new Uint8Array(enc), 1);
  out.set(new Uint8Array(ct), 1 + enc.byteLength);
  return out;
}

/** Opens a sealed copy with an already derived key (the cache-friendly path). */
export async function openWith(key: SealingKey, sealed: Uint8Array, binding: SealBinding): Promise<string> {
  if (key.tokenId !== binding.tokenId) {
    throw new SealedCredentialError('wrong-key', 'The sealing key belongs to another token.');
  }
  if (!(sealed instanceof Uint8Array) || sealed.length < 1 + ENC_LENGTH + TAG_LENGTH + 1) {
    throw new SealedCredentialError('malformed', 'Not a sealed site credential.');
  }
  if (sealed[0] !== SEAL_VERSION) {
    throw new SealedCredentialError('unsupported-version', `Unknown sealed credential version ${sealed[0]}.`);
  }
  try {
    const plain = await SEALING_SUITE.open(
      { recipientKey: key.privateKey, enc: sealed.slice(1, 1 + ENC_LENGTH), info: LABEL_BYTES },
      sealed.slice(1 + ENC_LENGTH),
      sealAad(binding),
    );
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    // One answer for every failure (bad tag, bad enc, other token): nothing about the cause leaks to a caller.
    throw new SealedCredentialError(
      'cannot-open',
      'The sealed site credential does not open with this token.',
    );
  }
}

/** Derives the token's key and opens a sealed copy: only a request that carries the API token can do this. */
export async function open(tokenSecret: string, sealed: Uint8Array, binding: SealBinding): Promise<string> {
  return openWith(await deriveSealingKey(tokenSecret, binding.tokenId), sealed, binding);
}
