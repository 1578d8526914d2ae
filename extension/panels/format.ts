// Formatting and small rules the panels share.
import type { Validity } from '../api-types.ts';
import { reminderPhase } from '../content/reminders.ts';
import { type MessageKey, t, uiLanguage } from '../i18n.ts';

export function formatDate(iso: string | null): string {
  if (!iso) return t('never');
  return new Date(iso).toLocaleString(uiLanguage(), { dateStyle: 'medium', timeStyle: 'short' });
}

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** Unit, its length, and from when on it is used: days up to two months read better than "next month". */
const UNITS: [Intl.RelativeTimeFormatUnit, number, number][] = [
  ['year', 365 * DAY_MS, 365 * DAY_MS],
  ['month', 30 * DAY_MS, 60 * DAY_MS],
  ['day', DAY_MS, DAY_MS],
  ['hour', HOUR_MS, HOUR_MS],
  ['minute', 60_000, 60_000],
];

/** "in 5 days", "3 hours ago", "vor 3 Stunden": the largest unit that fits, in the UI's language. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const diff = new Date(iso).getTime() - now.getTime();
  const format = new Intl.RelativeTimeFormat(uiLanguage(), { numeric: 'auto' });
  for (const [unit, size, from] of UNITS) {
    if (Math.abs(diff) >= from) return format.format(Math.round(diff / size), unit);
  }
  return format.format(Math.round(diff / 1000), 'second');
}

/** Expired already (the companion keeps expired tokens listed until they are deleted). */
export function hasExpired(expiresAt: string | null, now: Date = new Date()): boolean {
  return expiresAt !== null && new Date(expiresAt).getTime() < now.getTime();
}

/** "Expires soon" within the reminders' window (and not already expired). */
export function expiresSoon(expiresAt: string | null, now: Date = new Date()): boolean {
  return reminderPhase({ expiresAt }, now) === 'expiring';
}

export function validityLabel(validity: Validity): string {
  return t(`validity_${validity}` as MessageKey);
}

export function scopeLabel(scope: string): string {
  return scope === 'read-only' ? t('scopeReadOnly') : t('scopeReadWrite');
}

/** A date input's `YYYY-MM-DD` as the first or last instant of that day in the person's time zone. */
export function dateBoundary(day: string, boundary: 'start' | 'end'): string {
  const date = new Date(`${day}T00:00:00`);
  if (boundary === 'end') {
    date.setDate(date.getDate() + 1);
    date.setMilliseconds(-1);
  }
  return date.toISOString();
}
