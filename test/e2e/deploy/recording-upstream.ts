import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request an upstream received: its target exactly as sent, and its headers. */
export interface Received {
  url: string;
  method: string;
  headers: IncomingHttpHeaders;
}

export interface RecordingUpstream {
  /** host:port, for the proxy config. */
  address: string;
  received: Received[];
  /** TCP connections accepted so far (keep-alive reuses them). */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A plain HTTP server standing in for the site or the companion, which answers every request
 * with `answer` and keeps what it received, so a test can see what the proxy really forwards.
 */
export async function startRecordingUpstream(
  answer: (received: Received, res: ServerResponse) => void,
): Promise<RecordingUpstream> {
  const received: Received[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const entry = { url: req.url ?? '', method: req.method ?? '', headers: req.headers };
    received.push(entry);
    req.resume();
    req.on('end', () => answer(entry, res));
  });
  server.on('connection', () => {
    connections++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    received,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The site's cookies: a session and Seraph's remember-me, on every answer. */
export const SITE_COOKIES = [
  'JSESSIONID=site-session; Path=/; HttpOnly',
  'seraph.rememberme.cookie=remember-me; Path=/; HttpOnly',
];

/** A site that answers 200 with its session cookies. */
export function siteAnswer(_received: Received, res: ServerResponse): void {
  res.setHeader('Set-Cookie', SITE_COOKIES);
  res.setHeader('Content-Type', 'text/plain');
  res.end('site');
}

/** The site PAT a recording companion hands out in site-token mode. */
export const SITE_PAT = 'Bearer site-pat-of-alice';

/** How a recording companion allows a check, chosen per request with the `X-Test-Answer` header. */
export const ANSWERS = {
  /** Token mode, site-token: the site should receive the owner's site PAT. */
  'site-token': { 'X-Api-Token-Auth-Mode': 'token', Authorization: SITE_PAT },
  /** Token mode, identity-header: the site should receive the owner's name. */
  'identity-header': { 'X-Api-Token-Auth-Mode': 'token', 'X-Forwarded-User': 'alice' },
  /** A token allowed with neither (never sent by the companion): the site must get neither. */
  'token-without-credential': { 'X-Api-Token-Auth-Mode': 'token' },
  /** No credential the companion knows. */
  session: { 'X-Api-Token-Auth-Mode': 'session' },
} as const;
export type Answer = keyof typeof ANSWERS | 'password';

/**
 * A companion that allows every check, in password mode unless the client's `X-Test-Answer` names
 * another answer (nginx and Caddy pass the client's headers on to the check). Its password answer
 * echoes Authorization, as the real forward-auth endpoint does; its answers carry an explicit
 * length, as the real one's must.
 */
export function companionAnswer(received: Received, res: ServerResponse): void {
  const chosen = ANSWERS[received.headers['x-test-answer'] as keyof typeof ANSWERS] ?? {
    'X-Api-Token-Auth-Mode': 'password',
    ...(received.headers.authorization ? { Authorization: received.headers.authorization } : {}),
  };
  for (const [name, value] of Object.entries(chosen)) res.setHeader(name, value);
  res.setHeader('Content-Length', '0');
  res.end();
}
