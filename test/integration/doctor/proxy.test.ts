import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { type RunningNginx, startNginx } from '../../support/nginx.ts';
import { type Relay, startRelay } from '../audit-mirror/harness.ts';
import { type SetUp, setUp } from './harness.ts';

// The proxy probe, from outside like a client. The site believes X-Forwarded-User from the proxy's
// address (a header authenticator), so a proxy that passed a client's header on would be caught.
describe('doctor --proxy-url: the shipped nginx config in front of Jira and a companion', () => {
  let s: SetUp;
  let companion: RunningServer;
  let nginx: RunningNginx;
  beforeAll(async () => {
    s = await setUp({ flavour: 'jira9', sim: { trustedProxies: ['127.0.0.3'] } });
    companion = await startServer(loadConfig({ ...s.env, ATA_LISTEN: '127.0.0.1:0' }), {
      logger: createLogger({ level: 'silent' }),
    });
    nginx = await startNginx({
      site: `127.0.0.1:${s.sim.port}`,
      companion: `127.0.0.1:${companion.port}`,
      bind: '127.0.0.3',
    });
  });
  afterAll(async () => {
    await nginx?.close();
    await companion?.close();
    await s?.close();
  });

  it('every check ok, the proxy probes included', async () => {
    const { code, byId } = await s.checks(['--proxy-url', nginx.origin]);
    expect(code).toBe(0);
    expect(
      Object.values(byId)
        .filter((c) => c.status !== 'ok')
        .map((c) => c.id),
    ).toEqual(['audit-mirror']);
    expect(byId['proxy-asks-companion']?.detail).toBe(
      'a made-up API token was refused by the companion (401, invalid-token)',
    );
    expect(byId['proxy-identity-header']?.detail).toBe(
      'a forged X-Forwarded-User: admin did not authenticate (401, anonymous)',
    );
    expect(byId['proxy-hides-authz']?.detail).toBe(
      '/api-token-auth/authz/auth-request does not answer clients (404)',
    );
  });

  it('the text report names the proxy', async () => {
    const run = await s.doctor(['--proxy-url', `${nginx.origin}/`]);
    expect(run.stdout.split('\n')[0]).toBe(
      `api-token-auth doctor: checking ${s.sim.baseUrl} through ${nginx.origin}`,
    );
  });
});

describe('doctor --proxy-url: a proxy that passes everything straight to the site', () => {
  let s: SetUp;
  let relay: Relay;
  beforeAll(async () => {
    s = await setUp({ flavour: 'jira9', sim: { trustedProxies: ['127.0.0.1'] } });
    relay = await startRelay(s.sim.port);
  });
  afterAll(async () => {
    await relay?.close();
    await s?.close();
  });

  it('fails the probes that show it, each with its fix', async () => {
    const { code, byId } = await s.checks(['--proxy-url', relay.url]);
    expect(code).toBe(1);
    expect(byId['proxy-asks-companion']).toMatchObject({
      status: 'fail',
      detail:
        'a made-up API token got 401 without X-Api-Token-Auth-Reason: the proxy sent it on without asking the companion',
      fix: expect.stringMatching(
        /^check every request with credentials against the companion first, as deploy\/nginx\/api-token-auth\.conf/,
      ),
    });
    expect(byId['proxy-identity-header']).toMatchObject({
      status: 'fail',
      detail: "a client's forged X-Forwarded-User: admin was believed: the site answered as admin",
      fix: expect.stringContaining('proxy_set_header X-Forwarded-User "";'),
    });
    // The site itself has no such path: that the companion is hidden holds, by accident.
    expect(byId['proxy-hides-authz']?.status).toBe('ok');
  });

  it('an unreachable proxy fails the probes with the option to check', async () => {
    await relay.stop();
    const { byId } = await s.checks(['--proxy-url', relay.url]);
    expect(byId['proxy-asks-companion']).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^cannot reach the proxy at /),
      fix: 'check --proxy-url (the URL clients use, context path included)',
    });
    await relay.start();
  });
});

describe('doctor --proxy-url: the check endpoints exposed to clients', () => {
  let s: SetUp;
  let companion: RunningServer;
  beforeAll(async () => {
    s = await setUp({ flavour: 'jira9' });
    companion = await startServer(loadConfig({ ...s.env, ATA_LISTEN: '127.0.0.1:0' }), {
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await companion?.close();
    await s?.close();
  });

  it('a "proxy" that is the companion itself: its auth-request answers a client', async () => {
    const { byId } = await s.checks(['--proxy-url', `http://127.0.0.1:${companion.port}`]);
    expect(byId['proxy-hides-authz']).toMatchObject({
      status: 'fail',
      detail:
        '/api-token-auth/authz/auth-request answered a client (200, session): anyone can ask the companion directly',
      fix: expect.stringContaining('location /api-token-auth/authz/ { return 404; }'),
    });
  });
});
