import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  /** Per-request headers (e.g. a fresh wrong token and client address each time). */
  perRequest?: () => Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** Requests per second for all connections together; unset: as fast as answers come back. */
  rate?: number;
  /** The server's CPU time so far in µs (BenchProcess.cpuMicros): the result then says what a request cost it. */
  serverCpu?: () => Promise<number>;
}

export interface CaseResult {
  name: string;
  reqPerSec: number;
  /** Milliseconds, from every answer's own timing (autocannon's histogram keeps whole ms only). */
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Server CPU (user + system) per answered request, in µs, when the server's CPU was watched. */
  serverCpuUs?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  return Math.round(value * 100) / 100;
}

function run(
  options: LoadOptions,
  durationSeconds: number,
): Promise<{ result: autocannon.Result; latencies: number[] }> {
  const perRequest = options.perRequest;
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: durationSeconds,
        headers: options.headers,
        ...(options.rate ? { overallRate: options.rate } : {}),
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
      },
      (err, result) => (err ? reject(err) : resolve({ result, latencies })),
    );
    // Emitted per answer with the client, status, bytes and the exact time in ms.
    instance.on(
      'response' as 'done',
      ((_client: unknown, _status: number, _bytes: number, ms: number) => {
        latencies.push(ms);
      }) as never,
    );
  });
}

/** One measured case: a short warm-up (JIT, caches, keep-alive sockets), then the real run. */
export async function measure(name: string, options: LoadOptions): Promise<CaseResult> {
  await run(options, 1);
  const cpuBefore = await options.serverCpu?.();
  const { result, latencies } = await run(options, options.durationSeconds);
  const cpuAfter = await options.serverCpu?.();
  latencies.sort((x, y) => x - y);
  const answered = result.requests.total;
  return {
    name,
    reqPerSec: Math.round(result.requests.average),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests: answered,
    non2xx: result.non2xx,
    errors: result.errors,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && answered > 0
      ? { serverCpuUs: Math.round(((cpuAfter - cpuBefore) / answered) * 10) / 10 }
      : {}),
  };
}
