// Which tokens deserve a reminder: expiring within 7 days, or expired within the last 7 (GitLab
// and GitHub remind at 7 days, Atlassian's own PATs at 5). Pure; the banner, the Token
// Manager's filter and the token list's "expires soon" use the same window.
import type { Token } from '../api-types.ts';
import type { ReminderPhase } from '../storage/dismissed-reminders.ts';

const REMINDER_WINDOW_MS = 7 * 24 * 3600_000;

export function reminderPhase(token: Pick<Token, 'expiresAt'>, now: Date = new Date()): ReminderPhase | null {
  if (!token.expiresAt) return null;
  const left = new Date(token.expiresAt).getTime() - now.getTime();
  if (left >= 0 && left <= REMINDER_WINDOW_MS) return 'expiring';
  if (left < 0 && -left <= REMINDER_WINDOW_MS) return 'expired';
  return null;
}

/** The companion's expiry filter for the same window, as ISO instants. */
export function reminderWindow(now: Date = new Date()): { expiresFrom: string; expiresTo: string } {
  return {
    expiresFrom: new Date(now.getTime() - REMINDER_WINDOW_MS).toISOString(),
    expiresTo: new Date(now.getTime() + REMINDER_WINDOW_MS).toISOString(),
  };
}

/** Soonest first: the token that breaks a script first is named first. */
export function tokensToRemind(
  tokens: Token[],
  now: Date = new Date(),
): { token: Token; phase: ReminderPhase }[] {
  return tokens
    .map((token) => ({ token, phase: reminderPhase(token, now) }))
    .filter((r): r is { token: Token; phase: ReminderPhase } => r.phase !== null)
    .sort((a, b) => Date.parse(a.token.expiresAt ?? '') - Date.parse(b.token.expiresAt ?? ''));
}
