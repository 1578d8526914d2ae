// Seals the webhook's signing secret for the database: AES-256-GCM under a key derived (HKDF-SHA-256)
// from the companion's own key, which never enters the database. A copy of the database alone
// gives neither the secret nor a way to forge deliveries.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const INFO = 'api-token-auth webhook secret v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
// Binds the ciphertext to its purpose: a sealed value moved to another column does not open.
const AAD = Buffer.from('webhook_config.sealed_secret');

export interface SecretBox {
  seal(secret: string): string;
  /** The secret, or null when the sealed text is damaged or sealed under another key. */
  open(sealed: string): string | null;
}

export function secretBox(companionKey: Buffer, random: (n: number) => Buffer = randomBytes): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', companionKey, Buffer.alloc(0), INFO, 32));
  return {
    seal(secret) {
      const nonce = random(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(AAD);
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(sealed) {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length < NONCE_BYTES + TAG_BYTES) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE_BYTES)).setAAD(AAD);
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        const body = raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}
