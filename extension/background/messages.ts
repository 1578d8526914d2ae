// The one typed message map between the extension's pages/content scripts and the background.
// Every message names its type; the background answers with `{ok: true, value}` or
// `{ok: false, error}` so failures travel back as data, not as lost promise rejections.

export interface CompanionRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the companion URL, e.g. `/api/v1/me`. */
  path: string;
  body?: unknown;
}

export interface CompanionResponse {
  status: number;
  contentType: string;
  text: string;
}

export interface MessageMap {
  /** A content script asks for a companion call it cannot make itself (companion on another origin). */
  'companion.fetch': { request: CompanionRequest; response: CompanionResponse };
  /** The options page changed the site list: re-register the content scripts. */
  'sites.changed': { request: Record<string, never>; response: { registered: string[] } };
}

export type MessageType = keyof MessageMap;

export interface Envelope<T extends MessageType = MessageType> {
  type: T;
  payload: MessageMap[T]['request'];
}

export type Reply<T extends MessageType> =
  | { ok: true; value: MessageMap[T]['response'] }
  | { ok: false; error: string };

/** The minimal runtime surface, so helpers work with the polyfill and in tests alike. */
export interface Runtime {
  sendMessage(message: unknown): Promise<unknown>;
}

export async function send<T extends MessageType>(
  runtime: Runtime,
  type: T,
  payload: MessageMap[T]['request'],
): Promise<MessageMap[T]['response']> {
  const reply = (await runtime.sendMessage({ type, payload } satisfies Envelope<T>)) as Reply<T> | undefined;
  if (!reply) throw new Error(`No answer from the extension background to ${type}`);
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

export function isEnvelope(message: unknown): message is Envelope {
  if (!message || typeof message !== 'object') return false;
  const { type } = message as { type?: unknown };
  return type === 'companion.fetch' || type === 'sites.changed';
}
