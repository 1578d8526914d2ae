import { createHash, timingSafeEqual } from 'node:crypto';

/*
 * `POST /api/v1/validate` answers, for any credential, whether it is a valid token and whose:
 * an oracle that must never be open to the world. It is therefore off unless
 * `ATA_VALIDATE_SECRET` is set (validated with the rest of the configuration, server/config.ts),
 * and then only a caller presenting `Authorization: Bearer <secret>` (the plugin inside the site)
 * gets an answer.
 */

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time check of an Authorization header against the shared secret. */
export function createValidateAccess(secret: string): (authorization: string) => boolean {
  const expected = digest(`Bearer ${secret}`);
  // Digests of equal length, so the comparison time says nothing about the secret's length either.
  return (authorization) => timingSafeEqual(digest(authorization.trim()), expected);
}
