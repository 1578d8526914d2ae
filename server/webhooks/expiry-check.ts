// The hourly expiry check: which notice a token is due, and claiming each (token, notice) once in
// the store before it is queued, so companions sharing a database announce it once between them.
import type { WebhookEvent } from '../../shared/api.ts';
import type { TokenRecord } from '../services/types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Expired tokens are announced up to this long after they expired, not from the beginning of time. */
export const EXPIRED_LOOKBACK_MS = 7 * DAY_MS;
export const EXPIRING_WINDOW_MS = 7 * DAY_MS;

const STAGES: ReadonlyArray<{ event: WebhookEvent; withinMs: number }> = [
  { event: 'token.expiring_1d', withinMs: DAY_MS },
  { event: 'token.expiring_7d', withinMs: 7 * DAY_MS },
];

/**
 * The notice a token is due at `now`: expired, else the nearest expiring stage it is inside. A
 * stage is due only to a token that was created before the stage began, so a token made to last
 * seven days is not announced as expiring the moment it is made.
 */
export function noticeDue(
  token: Pick<TokenRecord, 'createdAt' | 'expiresAt'>,
  now: Date,
): WebhookEvent | null {
  if (!token.expiresAt) return null;
  const left = token.expiresAt.getTime() - now.getTime();
  if (left <= 0) return left > -EXPIRED_LOOKBACK_MS ? 'token.expired' : null;
  const stage = STAGES.find((s) => left <= s.withinMs);
  if (!stage) return null;
  return token.createdAt.getTime() < token.expiresAt.getTime() - stage.withinMs ? stage.event : null;
}

export interface ExpiryCheckDeps {
  /** The tokens whose expiry is in [from, to), a page at a time. */
  tokensExpiring(from: Date, to: Date, offset: number, limit: number): Promise<TokenRecord[]>;
  /** True for exactly one caller per (token, event), across companions. */
  claim(tokenId: string, event: WebhookEvent, at: Date): Promise<boolean>;
  hasRoom(): boolean;
  announce(event: WebhookEvent, token: TokenRecord, at: Date): void;
}

const PAGE = 200;

/** Claims and announces what is due; returns how many were announced. */
export async function checkExpiries(deps: ExpiryCheckDeps, now: Date): Promise<number> {
  const from = new Date(now.getTime() - EXPIRED_LOOKBACK_MS);
  const to = new Date(now.getTime() + EXPIRING_WINDOW_MS + 1);
  let announced = 0;
  for (let offset = 0; ; offset += PAGE) {
    const tokens = await deps.tokensExpiring(from, to, offset, PAGE);
    for (const token of tokens) {
      // A full queue: what is left stays unclaimed for the next hour rather than claimed and lost.
      if (!deps.hasRoom()) return announced;
      const event = noticeDue(token, now);
      if (event && (await deps.claim(token.id, event, now))) {
        deps.announce(event, token, now);
        announced += 1;
      }
    }
    if (tokens.length < PAGE) return announced;
  }
}
