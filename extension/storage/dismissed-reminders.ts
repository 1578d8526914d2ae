// Which expiry reminders the person dismissed, per site, token and phase: dismissing "expires in
// 3 days" does not hide "expired" later. Kept in storage.local, pruned after 30 days (a token's
// reminders span 14 days at most).
import type { Area } from './sites.ts';

const DISMISSED_KEY = 'ata.dismissedReminders';
const VERSION = 1;
const KEEP_MS = 30 * 24 * 3600_000;

export type ReminderPhase = 'expiring' | 'expired';

interface StoredV1 {
  version: 1;
  /** `<siteUrl> <token id> <phase>` → when it was dismissed (ms). */
  dismissed: Record<string, number>;
}

const keyOf = (siteUrl: string, tokenId: string, phase: ReminderPhase) => `${siteUrl} ${tokenId} ${phase}`;

async function read(local: Area, now: number): Promise<Record<string, number>> {
  const stored = (await local.get(DISMISSED_KEY))[DISMISSED_KEY] as Partial<StoredV1> | undefined;
  if (stored?.version !== VERSION || !stored.dismissed || typeof stored.dismissed !== 'object') return {};
  return Object.fromEntries(
    Object.entries(stored.dismissed).filter(([, at]) => typeof at === 'number' && now - at < KEEP_MS),
  );
}

/** The reminders the person has not dismissed, from one read for them all. */
export async function notDismissed<R extends { token: { id: string }; phase: ReminderPhase }>(
  local: Area,
  siteUrl: string,
  reminders: R[],
  now = Date.now(),
): Promise<R[]> {
  const dismissed = await read(local, now);
  return reminders.filter(({ token, phase }) => !(keyOf(siteUrl, token.id, phase) in dismissed));
}

export async function dismiss(
  local: Area,
  siteUrl: string,
  tokenId: string,
  phase: ReminderPhase,
  now = Date.now(),
): Promise<void> {
  const dismissed = await read(local, now);
  dismissed[keyOf(siteUrl, tokenId, phase)] = now;
  await local.set?.({ [DISMISSED_KEY]: { version: VERSION, dismissed } satisfies StoredV1 });
}
