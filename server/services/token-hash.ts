// Keyed hashing of token secrets. Only this hash is stored; the key never enters the database.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Hex HMAC-SHA-256 of the secret under the server key. */
export function hashToken(key: Buffer, secret: string): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes (false on any length or encoding mismatch). */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
