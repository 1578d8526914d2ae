import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthzService } from '../../../server/authz/authz-service.ts';
import { authzEndpoints } from '../../../server/authz/endpoints.ts';
import { createLogger } from '../../../server/logger.ts';

// The proxy endpoints are a plain Node handler: a fault inside must still end in a refusal the
// proxy understands (nginx: only 200/401/403), never a 500 or a dropped connection.
describe('authz endpoints when checking fails', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(check: () => Promise<never>): Promise<string> {
    const handler = authzEndpoints({
      basePath: '/base',
      identityHeader: 'X-Forwarded-User',
      authz: { check } as unknown as AuthzService,
      logger: createLogger({ level: 'silent' }),
    });
    server = createServer((req, res) => {
      if (!handler(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/base/authz`;
  }

  it.each([
    ['a rejected check', () => Promise.reject(new Error('boom'))],
    [
      'a check that throws',
      () => {
        throw new Error('boom');
      },
    ],
  ])('answers %s with 403 on auth-request and 503 elsewhere', async (_name, check) => {
    const base = await serve(check as () => Promise<never>);
    const nginx = await fetch(`${base}/auth-request`, { headers: { Authorization: 'Basic x' } });
    expect(nginx.status).toBe(403);
    expect(nginx.headers.get('x-api-token-auth-reason')).toBe('internal-error');
    expect(nginx.headers.get('x-content-type-options')).toBe('nosniff');
    expect(nginx.headers.get('cache-control')).toBe('no-store');
    const envoy = await fetch(`${base}/ext-authz/rest/api/2/issue`, { method: 'POST' });
    expect(envoy.status).toBe(503);
    expect(await envoy.json()).toEqual({ error: { code: 'internal-error', message: expect.any(String) } });
  });

  it('leaves every other path to the next handler', async () => {
    const base = await serve(() => Promise.reject(new Error('unused')));
    expect((await fetch(`${base}/auth-request/extra`)).status).toBe(404);
    expect((await fetch(`${base}/forward-auth`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base.replace('/authz', '')}/healthz`)).status).toBe(404);
  });
});
