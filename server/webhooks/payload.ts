// What a delivery carries: the event, when it happened, the token's public facts and who acted.
// Built only from these fields, so a token's secret or hash cannot slip into a payload.
import type { WebhookEvent } from '../../shared/api.ts';

export interface WebhookTokenFacts {
  id: string;
  name: string;
  owner: string;
  expiresAt: Date | null;
}

export interface WebhookPayload {
  event: WebhookEvent;
  at: string;
  token: { id: string; name: string; owner: string; expiresAt: string | null };
  actor?: string;
  /** The site the companion serves, so one receiver can tell several sites apart. */
  site: string;
}

export function payloadOf(
  event: WebhookEvent,
  at: Date,
  token: WebhookTokenFacts,
  site: string,
  actor?: string,
): WebhookPayload {
  return {
    event,
    at: at.toISOString(),
    token: {
      id: token.id,
      name: token.name,
      owner: token.owner,
      expiresAt: token.expiresAt ? token.expiresAt.toISOString() : null,
    },
    ...(actor === undefined ? {} : { actor }),
    site,
  };
}
