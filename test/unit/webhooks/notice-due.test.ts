import { describe, expect, it } from 'vitest';
import { noticeDue } from '../../../server/webhooks/expiry-check.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = new Date('2026-06-01T12:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const token = (createdMs: number, expiresMs: number | null) => ({
  createdAt: at(createdMs),
  expiresAt: expiresMs === null ? null : at(expiresMs),
});

describe('the notice a token is due', () => {
  it.each([
    ['never expires', token(-30 * DAY, null), null],
    ['expires in 8 days', token(-30 * DAY, 8 * DAY), null],
    ['expires in exactly 7 days', token(-30 * DAY, 7 * DAY), 'token.expiring_7d'],
    ['expires in 3 days', token(-30 * DAY, 3 * DAY), 'token.expiring_7d'],
    ['expires in a day', token(-30 * DAY, DAY), 'token.expiring_1d'],
    ['expires in an hour', token(-30 * DAY, HOUR), 'token.expiring_1d'],
    ['expires now', token(-30 * DAY, 0), 'token.expired'],
    ['expired 6 days ago', token(-30 * DAY, -6 * DAY), 'token.expired'],
    ['expired 8 days ago (too long ago to announce)', token(-30 * DAY, -8 * DAY), null],
    ['made now to last 7 days', token(0, 7 * DAY), null],
    ['made 2 days ago to last 7 days, 5 days left', token(-2 * DAY, 5 * DAY), null],
    ['made now to last 1 day', token(0, DAY), null],
    ['made 2 days ago to last 7 days, 20 hours left', token(-2 * DAY, 20 * HOUR), 'token.expiring_1d'],
  ])('%s → %s', (_name, t, expected) => {
    expect(noticeDue(t, now)).toBe(expected);
  });
});
