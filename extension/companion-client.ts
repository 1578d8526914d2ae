// Calls to the companion server. When the companion is mounted on the site's own origin the
// content script fetches it directly, so the site's session cookie identifies the person; on
// another origin the call goes through the background (typed message, sender checked there).
import type { CompanionRequest, CompanionResponse } from './background/messages.ts';

export type Transport = (request: CompanionRequest) => Promise<CompanionResponse>;

/** An error the companion answered (status ≥ 400) or could not answer (status 0: unreachable). */
export class CompanionError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The input field the error concerns, when the companion names one. */
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'CompanionError';
  }
}

export function sameOriginTransport(companionUrl: string, fetchImpl: typeof fetch = fetch): Transport {
  return async ({ method, path, body }) => {
    const response = await fetchImpl(`${companionUrl}${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: await response.text(),
    };
  };
}

/** The server's 400 details are zod issues `{path: string[], message}`; the first one names the field. */
function fieldOf(details: unknown): string | null {
  const first = Array.isArray(details) ? (details[0] as { path?: unknown } | undefined) : undefined;
  return Array.isArray(first?.path) && first.path.length > 0 ? first.path.join('.') : null;
}

function errorFrom(response: CompanionResponse): CompanionError {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    // A proxy's HTML error page: fall through to the generic message below.
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } })?.error;
  if (error && typeof error.message === 'string') {
    return new CompanionError(
      response.status,
      String(error.code ?? 'error'),
      error.message,
      fieldOf(error.details),
    );
  }
  return new CompanionError(response.status, 'http_error', `The companion answered HTTP ${response.status}`);
}

export class CompanionClient {
  constructor(private readonly transport: Transport) {}

  /** JSON by default; `as: 'text'` for exports (CSV, JSON Lines). */
  async request<T>(
    method: CompanionRequest['method'],
    path: string,
    body?: unknown,
    as: 'json' | 'text' = 'json',
  ): Promise<T> {
    let response: CompanionResponse;
    try {
      response = await this.transport({ method, path, body });
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new CompanionError(
        0,
        'unreachable',
        `The API Token Authentication server cannot be reached (${detail})`,
      );
    }
    if (response.status >= 400 || response.status === 0) throw errorFrom(response);
    if (as === 'text') return response.text as T;
    if (response.status === 204 || response.text === '') return undefined as T;
    return JSON.parse(response.text) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  delete<T = void>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
}
