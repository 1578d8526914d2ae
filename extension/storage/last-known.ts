// The last answer the companion gave to `/me` for a site and user, kept in storage.local so the
// menu item can be shown the moment a page starts, before `/me` answers again. storage.local
// rather than storage.session: the slow case is the first page after the browser starts, when
// the session area is empty, and content scripts cannot read storage.session by default.
// Nothing secret is kept: who the person is and what the site lets them do.
import type { Me } from '../api-types.ts';
import type { Area } from './sites.ts';

const LAST_KNOWN_KEY = 'ata.lastKnownMe';
const VERSION = 1;
/** Oldest entries are dropped beyond this, so a shared browser's list cannot grow without end. */
const MAX_ENTRIES = 20;

interface Entry {
  me: Me;
  at: number;
}

interface StoredV1 {
  version: 1;
  entries: Record<string, Entry>;
}

const keyOf = (siteUrl: string, username: string) => `${siteUrl} ${username}`;

/** Enough of a Me to decide on the menu items; anything else is refused as damaged. */
function isMe(value: unknown): value is Me {
  const me = value as Partial<Me> | null;
  const permissions = me?.permissions as Record<string, unknown> | undefined;
  return (
    typeof me?.username === 'string' &&
    typeof me.displayName === 'string' &&
    typeof me.isAdmin === 'boolean' &&
    Array.isArray(me.validityOptions) &&
    typeof permissions === 'object' &&
    ['useTokens', 'createOwnTokens', 'createTokensForOthers'].every(
      (p) => typeof permissions[p] === 'boolean',
    )
  );
}

async function readEntries(local: Area): Promise<Record<string, Entry>> {
  const stored = (await local.get(LAST_KNOWN_KEY))[LAST_KNOWN_KEY] as Partial<StoredV1> | undefined;
  if (stored?.version !== VERSION || !stored.entries || typeof stored.entries !== 'object') return {};
  const valid: Record<string, Entry> = {};
  for (const [key, entry] of Object.entries(stored.entries)) {
    if (isMe(entry?.me) && typeof entry.at === 'number') valid[key] = entry;
  }
  return valid;
}

async function writeEntries(local: Area, entries: Record<string, Entry>): Promise<void> {
  await local.set?.({ [LAST_KNOWN_KEY]: { version: VERSION, entries } satisfies StoredV1 });
}

export async function readLastKnownMe(local: Area, siteUrl: string, username: string): Promise<Me | null> {
  const entries = await readEntries(local);
  const entry = entries[keyOf(siteUrl, username)];
  // A cached answer for someone else (the page's user changed) is never shown.
  return entry && entry.me.username === username ? entry.me : null;
}

export async function writeLastKnownMe(
  local: Area,
  siteUrl: string,
  me: Me,
  now = Date.now(),
): Promise<void> {
  const entries = await readEntries(local);
  entries[keyOf(siteUrl, me.username)] = { me, at: now };
  const kept = Object.entries(entries)
    .sort(([, a], [, b]) => b.at - a.at)
    .slice(0, MAX_ENTRIES);
  await writeEntries(local, Object.fromEntries(kept));
}

/** When the companion says the person is not logged in any more (401), their cached answer goes. */
export async function forgetLastKnownMe(local: Area, siteUrl: string, username: string): Promise<void> {
  const entries = await readEntries(local);
  if (!(keyOf(siteUrl, username) in entries)) return;
  delete entries[keyOf(siteUrl, username)];
  await writeEntries(local, entries);
}
