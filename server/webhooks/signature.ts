// How a delivery is signed, and how a receiver checks it (README "Webhook" has the same check
// for receivers). The timestamp is part of the signed text, so a captured delivery cannot be
// replayed later than the receiver's tolerance.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Api-Token-Auth-Signature';
export const TIMESTAMP_HEADER = 'X-Api-Token-Auth-Timestamp';
export const EVENT_HEADER = 'X-Api-Token-Auth-Event';
export const DELIVERY_HEADER = 'X-Api-Token-Auth-Delivery';

/** `sha256=<hex HMAC-SHA-256 of "<timestamp>.<raw body>">` */
export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The receiver's check: the signature matches, and the timestamp is within `toleranceSeconds`. */
export function verify(
  secret: string,
  headers: { signature?: string; timestamp?: string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, timestamp, body));
  const given = Buffer.from(headers.signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
