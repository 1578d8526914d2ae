import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  /** Per-request headers (e.g. a fresh wrong token and client address each time). */
  perRequest?: () => Record<string, string>;
  connections: number;
  durationSeconds: number;
}

export interface CaseResult {
  name: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

function run(options: LoadOptions, durationSeconds: number): Promise<autocannon.Result> {
  const perRequest = options.perRequest;
  return autocannon({
    url: options.url,
    connections: options.connections,
    duration: durationSeconds,
    headers: options.headers,
    ...(perRequest
      ? {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => ({
                ...request,
                headers: { ...options.headers, ...perRequest() },
              }),
            },
          ],
        }
      : {}),
  });
}

/** One measured case: a short warm-up (JIT, caches, keep-alive sockets), then the real run. */
export async function measure(name: string, options: LoadOptions): Promise<CaseResult> {
  await run(options, 1);
  const result = await run(options, options.durationSeconds);
  return {
    name,
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
