// Formatting and small rules the panels share.
import type { Validity } from '../api-types.ts';
import { type MessageKey, t, uiLanguage } from '../i18n.ts';

const SOON_MS = 7 * 24 * 60 * 60 * 1000;

export function formatDate(iso: string | null): string {
  if (!iso) return t('never');
  return new Date(iso).toLocaleString(uiLanguage(), { dateStyle: 'medium', timeStyle: 'short' });
}

/** "Expires soon" within 7 days (and not already expired). */
export function expiresSoon(expiresAt: string | null, now: Date = new Date()): boolean {
  if (!expiresAt) return false;
  const left = new Date(expiresAt).getTime() - now.getTime();
  return left >= 0 && left <= SOON_MS;
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
