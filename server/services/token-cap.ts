// Tokens that outlive a lowered maximum: counted, and on request shortened. One rule for the token
// service and for the settings service, which runs it in the transaction that saves the maximum.

import type { Logger } from 'pino';
import { expiresAt, type Validity } from '../../shared/validity.ts';
import type { Repositories } from '../store/index.ts';
import type { ServiceEvents } from './events.ts';

export interface CapResult {
  exceeding: number;
  capped: number;
  /** When the capped tokens now expire; null for a `never` maximum (nothing outlives it). */
  limit: Date | null;
}

/**
 * Counting from now rather than from each token's creation means lowering the maximum never
 * expires a token on the spot; never-expiring tokens count as outliving any finite maximum.
 */
export async function capOutliving(
  repos: Repositories,
  maximum: Validity,
  now: Date,
  cap: boolean,
): Promise<CapResult> {
  const limit = expiresAt(now, maximum);
  if (!limit) return { exceeding: 0, capped: 0, limit: null };
  const exceeding = await repos.tokens.countOutliving(limit);
  const capped = cap && exceeding > 0 ? await repos.tokens.capExpiry(limit) : 0;
  return { exceeding, capped, limit };
}

/** After the commit: logs the capping and tells the validation plane (its cache holds old expiries). */
export function announceCap(
  deps: { logger: Logger; events: ServiceEvents },
  maximum: Validity,
  result: CapResult,
): void {
  if (result.capped === 0 || result.limit === null) return;
  deps.logger.info({ maximum, capped: result.capped }, 'token expiry capped to the maximum');
  deps.events.emit('tokens.capped', { expiresAt: result.limit });
}
