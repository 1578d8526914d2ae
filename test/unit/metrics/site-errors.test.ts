import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSiteClient, serviceGet } from '../../../server/directory/site-client.ts';
import { AppError } from '../../../server/errors.ts';
import { siteErrorKind } from '../../../server/metrics/site-errors.ts';

// Each kind is produced by the real site client against a real local server, so the messages the
// kinds are read from cannot drift apart from the client without failing here.

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function site(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function failureOf(
  siteUrl: string,
  call = (url: string) => createSiteClient({ siteUrl: url, timeoutMs: 200 }).get('/rest/api/2/user'),
) {
  try {
    await call(siteUrl);
  } catch (err) {
    return err;
  }
  throw new Error('the site call did not fail');
}

describe('kinds of failed site lookups', () => {
  it('tells a site that does not answer in time', async () => {
    const url = await site(() => undefined);
    expect(siteErrorKind(await failureOf(url))).toBe('timeout');
  });

  it('tells a site nobody listens at', async () => {
    const url = await site(() => undefined);
    const server = servers.pop() as Server;
    await new Promise((resolve) => server.close(resolve));
    expect(siteErrorKind(await failureOf(url))).toBe('unreachable');
  });

  it('tells a server error', async () => {
    const url = await site((_req, res) => res.writeHead(502).end());
    expect(siteErrorKind(await failureOf(url))).toBe('server-error');
  });

  it('tells an answer that is not the JSON it claims to be', async () => {
    const url = await site((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{'),
    );
    expect(siteErrorKind(await failureOf(url))).toBe('unreadable');
  });

  it('tells a refused service credential', async () => {
    const url = await site((_req, res) => res.writeHead(401).end());
    const refused = await failureOf(url, (siteUrl) =>
      serviceGet(createSiteClient({ siteUrl }), 'Bearer nope')('/rest/api/2/user'),
    );
    expect(siteErrorKind(refused)).toBe('refused');
  });

  it('calls anything else other', () => {
    expect(siteErrorKind(new Error('boom'))).toBe('other');
    expect(siteErrorKind(new AppError(503, 'store_unavailable', 'cannot be reached'))).toBe('other');
  });
});
