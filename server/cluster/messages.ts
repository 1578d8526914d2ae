// What companions sharing one PostgreSQL database tell each other through NOTIFY. Payloads only
// name what changed (ids, kinds): a receiver re-reads the rest from the store. PostgreSQL refuses
// payloads of 8000 bytes or more, so long lists of token ids go in several messages.
import { z } from 'zod';

/** One channel per database: every companion on it listens and publishes here. */
export const CHANNEL = 'api_token_auth_changes';

// Well under the 8000-byte NOTIFY limit, with room for the envelope.
const MAX_PAYLOAD_BYTES = 7000;
// A token id is a UUID: 36 characters plus quotes and a comma.
const TOKEN_IDS_PER_MESSAGE = 100;

const ThrottleKind = z.enum(['address', 'user']);

export const ClusterMessage = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('token.deleted'), tokenIds: z.array(z.string().max(64)).min(1) }),
  z.strictObject({ kind: z.literal('tokens.capped'), expiresAt: z.iso.datetime() }),
  z.strictObject({ kind: z.literal('settings.changed') }),
  z.strictObject({ kind: z.literal('permissions.changed') }),
  // A block made here after the shared counter passed its limit: the others refuse at once too.
  z.strictObject({
    kind: z.literal('throttle.blocked'),
    throttle: ThrottleKind,
    key: z.string().max(1024),
    failures: z.number().int().nonnegative(),
    // Milliseconds left, not a time: the receivers' clocks need not agree with the sender's.
    msLeft: z.number().int().positive(),
  }),
  z.strictObject({ kind: z.literal('throttle.lifted'), throttle: ThrottleKind, key: z.string().max(1024) }),
]);
export type ClusterMessage = z.infer<typeof ClusterMessage>;

const Envelope = z.strictObject({
  /** The sending instance, so it can ignore its own messages. */
  from: z.string().min(1).max(64),
  /** The sender's clock when it sent, in ms: for the notification lag. */
  sentAt: z.number(),
  message: ClusterMessage,
});
export type Envelope = z.infer<typeof Envelope>;

/**
 * The message as one or more NOTIFY payloads, each under the size limit. Throws for a message
 * the receivers would refuse (a throttle key longer than they accept).
 */
export function encode(from: string, message: ClusterMessage, sentAt: number): string[] {
  ClusterMessage.parse(message);
  const parts: ClusterMessage[] =
    message.kind === 'token.deleted' && message.tokenIds.length > TOKEN_IDS_PER_MESSAGE
      ? chunks(message.tokenIds, TOKEN_IDS_PER_MESSAGE).map((tokenIds) => ({ kind: message.kind, tokenIds }))
      : [message];
  return parts.map((part) => {
    const payload = JSON.stringify({ from, sentAt, message: part } satisfies Envelope);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES)
      throw new Error(`a ${part.kind} notification would exceed ${MAX_PAYLOAD_BYTES} bytes`);
    return payload;
  });
}

/** The envelope of a payload, or null for anything that is not one (logged by the caller). */
export function decode(payload: string): Envelope | null {
  try {
    const parsed = Envelope.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
