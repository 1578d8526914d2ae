import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SEALING_SUITE } from '../../../server/site-credentials/seal.ts';

// The sealing suite against the published RFC 9180 test vector for exactly its algorithms: mode 0 (base),
// kem 0x0020 DHKEM(X25519, HKDF-SHA256), kdf 0x0001 HKDF-SHA256, aead 0x0002 AES-256-GCM. The RFC's appendix
// prints no vector for this combination; the CFRG corpus (test-vectors.json) has one. These values are that
// entry as Go's crypto/hpke carries it (src/crypto/hpke/testdata/rfc9180.json), where the per-message
// ciphertexts are folded into `encryptions_accumulated`: 1000 sequential seals of SHAKE128-drawn (aad, plaintext)
// pairs, every ciphertext absorbed by a second SHAKE128, 16 bytes read out.
const VECTOR = {
  info: '4f6465206f6e2061204772656369616e2055726e',
  ikmE: '2cd7c601cefb3d42a62b04b7a9041494c06c7843818e0ce28a8f704ae7ab20f9',
  ikmR: 'dac33b0e9db1b59dbbea58d59a14e7b5896e9bdf98fad6891e99d1686492b9ee',
  skRm: '497b4502664cfea5d5af0b39934dac72242a74f8480451e1aee7d6a53320333d',
  pkRm: '430f4b9859665145a6b1ba274024487bd66f03a2dd577d7753c68d7d7d00c00c',
  enc: '6c93e09869df3402d7bf231bf540fadd35cd56be14f97178f0954db94b7fc256',
  encryptionsAccumulated: '1702e73e1e71705faa8241022af1deea',
};

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: ArrayBuffer | Uint8Array) =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

/** SHAKE128 of nothing, read as a stream: each draw is one length byte, then that many bytes. */
function shakeSource(): () => Uint8Array {
  // 1000 × 2 draws of at most 256 bytes each fit in this prefix of the XOF output.
  const stream = createHash('shake128', { outputLength: 2000 * 257 }).digest();
  let at = 0;
  return () => {
    const n = stream[at] ?? 0;
    const out = new Uint8Array(stream.subarray(at + 1, at + 1 + n));
    at += 1 + n;
    return out;
  };
}

describe('RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM', () => {
  it('DeriveKeyPair(ikmR) gives the published key pair', async () => {
    const pair = await SEALING_SUITE.kem.deriveKeyPair(hex(VECTOR.ikmR).buffer);
    expect(toHex(await SEALING_SUITE.kem.serializePublicKey(pair.publicKey))).toBe(VECTOR.pkRm);
    expect(toHex(await SEALING_SUITE.kem.serializePrivateKey(pair.privateKey))).toBe(VECTOR.skRm);
  });

  it('the derandomised encapsulation gives the published enc, and 1000 seals the published accumulation', async () => {
    const info = hex(VECTOR.info).buffer;
    const recipientPublicKey = await SEALING_SUITE.kem.deserializePublicKey(hex(VECTOR.pkRm).buffer);
    const sender = await SEALING_SUITE.createSenderContext({
      recipientPublicKey,
      info,
      ekm: hex(VECTOR.ikmE).buffer,
    });
    expect(toHex(sender.enc)).toBe(VECTOR.enc);

    const recipientKey = await SEALING_SUITE.kem.deserializePrivateKey(hex(VECTOR.skRm).buffer);
    const recipient = await SEALING_SUITE.createRecipientContext({ recipientKey, enc: sender.enc, info });
    const draw = shakeSource();
    const sink = createHash('shake128', { outputLength: 16 });
    for (let i = 0; i < 1000; i++) {
      const aad = draw();
      const plaintext = draw();
      const ciphertext = new Uint8Array(await sender.seal(plaintext, aad));
      sink.update(ciphertext);
      expect(new Uint8Array(await recipient.open(ciphertext, aad))).toEqual(plaintext);
    }
    expect(sink.digest('hex')).toBe(VECTOR.encryptionsAccumulated);
  });
});
