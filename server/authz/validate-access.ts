import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../config.ts';

const MIN_SECRET_LENGTH = 32;

/**
 * `POST /api/v1/validate` answers, for any credential, whether it is a valid token and whose:
 * an oracle that must never be open to the world. It is therefore off unless
 * `ATA_VALIDATE_SECRET` is set, and then only a caller presenting `Authorization: Bearer <secret>`
 * (the plugin inside the site) gets an answer. Read once when the app is built; a too-short
 * secret stops the start with a message naming the variable.
 */
export function loadValidateSecret(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.ATA_VALIDATE_SECRET?.trim();
  if (!value) return undefined;
  if (value.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      'ATA_VALIDATE_SECRET',
      `must be at least ${MIN_SECRET_LENGTH} characters of random data`,
    );
  }
  return value;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time check of an Authorization header against the shared secret. */
export function createValidateAccess(secret: string): (authorization: string) => boolean {
  const expected = digest(`Bearer ${secret}`);
  // Digests of equal length, so the comparison time says nothing about the secret's length either.
  return (authorization) => timingSafeEqual(digest(authorization.trim()), expected);
}
