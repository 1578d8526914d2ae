import pino, { type DestinationStream, type Logger } from 'pino';

// Credentials must never reach a log line, even when someone logs a whole request or header set.
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'cookie',
  'secret',
  'password',
  '*.secret',
  '*.password',
  '*.authorization',
  '*.cookie',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { name: 'api-token-auth' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
    },
    options.destination,
  );
}
