import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { SECURITY_HEADERS } from '../authz/http.ts';

/**
 * `<base>/metrics` in Prometheus's text format, as a plain request handler like the validation
 * endpoints (server/authz/endpoints.ts): true when it answered. Served on the main port unless
 * ATA_METRICS_LISTEN gives it a listener of its own (server/app.ts). On the main port it is as
 * exposed as the validation endpoints, and like them the shipped proxy configs answer 404 for it:
 * it names no user, token or address, but tells how busy the site is and who is being refused.
 */
export type MetricsEndpoint = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface MetricsEndpointOptions {
  basePath: string;
  registry: Registry;
  logger: Logger;
}

const FAILED = 'metrics could not be collected\n';

export function metricsEndpoint(options: MetricsEndpointOptions): MetricsEndpoint {
  const { registry, logger } = options;
  const path = `${options.basePath}/metrics`;
  return (req, res) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    if ((query < 0 ? url : url.slice(0, query)) !== path) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, [...SECURITY_HEADERS, 'Allow', 'GET, HEAD', 'Content-Length', '0']);
      res.end();
      return true;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, [
          ...SECURITY_HEADERS,
          'Content-Type',
          registry.contentType,
          'Content-Length',
          String(Buffer.byteLength(text)),
        ]);
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        logger.error({ err }, 'could not collect metrics');
        res.writeHead(500, [...SECURITY_HEADERS, 'Content-Type', 'text/plain; charset=utf-8']);
        res.end(FAILED);
      },
    );
    return true;
  };
}

/** The separate ATA_METRICS_LISTEN listener: `<base>/metrics` and nothing else. */
export function metricsOnly(endpoint: MetricsEndpoint) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (endpoint(req, res)) return;
    res.writeHead(404, [...SECURITY_HEADERS, 'Content-Type', 'text/plain; charset=utf-8']);
    res.end('not found\n');
  };
}
