import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { codeFor, type DenyReason, statusFor } from '../../../server/authz/reasons.ts';
import type { Settings } from '../../../server/services/types.ts';
import { generateToken } from '../../../shared/token.ts';
import {
  api,
  BASE,
  basic,
  DATABASES,
  DEFAULT_PERMISSIONS,
  type Harness,
  IDENTITY_HEADER_SETTINGS,
  startHarness,
} from '../api/harness.ts';

// The same situation gets the same answer from the proxies' plane and from the management API:
// the whole reasons table is walked, each reason through Traefik/Caddy's forward-auth endpoint
// (which answers the status as it is) and through GET /api/v1/me (POST /api/v1/tokens for the
// read-only case), and both must agree with the one table (server/authz/reasons.ts).

const ctx = { actor: 'admin', remoteIp: null };
const trustLocalProxy = { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' };
const b64 = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

interface Scenario {
  authorization: () => string | string[];
  settings?: Partial<Settings>;
  forwardedFor?: string;
  write?: boolean;
  before?: () => Promise<void>;
}

/** Reasons that exist on the site plane only, and why the management API cannot meet them. */
type SiteOnly = { siteOnly: string };

describe.each(DATABASES)('one answer on both planes, on %s', (db) => {
  let h: Harness;
  const secrets: Record<'alice' | 'bob' | 'readOnly' | 'office' | 'carol' | 'dave', string> = {
    alice: '',
    bob: '',
    readOnly: '',
    office: '',
    carol: '',
    dave: '',
  };
  const mint = async (owner: string, extra: { scope?: 'read-only'; ipAllowlist?: string[] } = {}) =>
    (
      await h.deps.tokens.create(
        { owner, name: `${owner} walk`, validity: 'never', ...extra },
        { actor: 'admin', remoteIp: null },
      )
    ).secret;

  const scenarios: Record<DenyReason, Scenario | SiteOnly> = {
    'multiple-authorization-headers': {
      authorization: () => [basic('alice', secrets.alice), basic('alice', secrets.alice)],
    },
    'oversized-authorization': { authorization: () => `Basic ${'A'.repeat(9000)}` },
    'invalid-characters': { authorization: () => b64('alice\u0001:pw') },
    'empty-authorization': { authorization: () => 'Basic ' },
    'bad-base64': { authorization: () => 'Basic @@@@' },
    'no-colon': { authorization: () => b64('alice') },
    'empty-username': { authorization: () => b64(':pw') },
    'bad-token-checksum': { authorization: () => basic('alice', 'ata_short') },
    'two-tokens': { authorization: () => basic(secrets.alice, secrets.carol) },
    'mixed-credentials': { siteOnly: 'the management API reads no credentials from its query' },
    'token-in-query': { siteOnly: 'the management API reads no credentials from its query' },
    'invalid-token': { authorization: () => basic('alice', generateToken()) },
    'token-user-mismatch': { authorization: () => basic('bob', secrets.alice) },
    'user-inactive': { authorization: () => basic('dave', secrets.dave) },
    'permission-denied': {
      authorization: () => basic('carol', secrets.carol),
      before: async () => {
        await h.deps.permissions.update(
          { ...DEFAULT_PERMISSIONS, useTokens: { everyone: false, groups: ['developers'] } },
          ctx,
          h.deps.directory,
        );
      },
    },
    'scope-read-only': { authorization: () => basic('alice', secrets.readOnly), write: true },
    'path-not-allowed': { siteOnly: 'the management API is where tokens are managed' },
    'site-credential-pending': {
      siteOnly: 'the management API needs no site credential: a pending token manages its own tokens',
    },
    'site-credential-refused': {
      siteOnly: 'the management API needs no site credential: the owner can still manage their tokens',
    },
    'password-auth-disabled': {
      authorization: () => basic('carol', 'carol'),
      settings: { passwordBasicAuth: false },
    },
    'username-not-representable': {
      siteOnly: 'only an identity header for the site has to be ASCII; the management API sends none',
    },
    'ip-not-allowed': {
      authorization: () => basic('alice', secrets.alice),
      settings: { ipAllowlist: ['198.51.100.0/24'] },
    },
    'token-ip-not-allowed': { authorization: () => basic('alice', secrets.office) },
    'client-ip-unknown': {
      authorization: () => basic('alice', secrets.alice),
      settings: { ipAllowlist: ['198.51.100.0/24'], reverseProxy: trustLocalProxy },
      forwardedFor: 'not-an-address',
    },
    throttled: {
      authorization: () => basic('alice', generateToken()),
      settings: { reverseProxy: trustLocalProxy },
      forwardedFor: '203.0.113.50',
      before: async () => {
        for (let i = 0; i < 40; i++) {
          await h.http
            .get(`${BASE}/authz/forward-auth`)
            .set('X-Forwarded-Uri', '/rest/api/2/myself')
            .set('X-Forwarded-For', '203.0.113.50')
            .set('Authorization', basic('alice', generateToken()));
        }
      },
    },
    'site-unavailable': {
      authorization: () => basic('bob', secrets.bob),
      before: async () => {
        // bob's token was never checked: no cached decision or user record answers for the site.
        secrets.bob = await mint('bob');
        await h.stopSite();
      },
    },
    'store-unavailable': {
      authorization: () => basic('alice', generateToken()),
      before: async () => {
        h.deps.tokens.verify = async () => {
          throw new Error('SQLITE_IOERR: disk I/O error');
        };
      },
    },
    'internal-error': { siteOnly: 'the proxy endpoints’ own last resort when writing an answer fails' },
  };

  const site = (s: Scenario) => {
    let req = h.http
      .get(`${BASE}/authz/forward-auth`)
      .set('X-Forwarded-Method', s.write ? 'POST' : 'GET')
      .set('X-Forwarded-Uri', '/rest/api/2/myself');
    if (s.forwardedFor) req = req.set('X-Forwarded-For', s.forwardedFor);
    // An array becomes several header lines; the typings only admit a string.
    return req.set('Authorization', s.authorization() as string);
  };
  const management = (s: Scenario) => {
    let req = s.write
      ? h.http
          .post(api('/tokens'))
          .set('Content-Type', 'application/json')
          .send({ name: 'x', validity: 'P1M' })
      : h.http.get(api('/me'));
    if (s.forwardedFor) req = req.set('X-Forwarded-For', s.forwardedFor);
    return req.set('Authorization', s.authorization() as string);
  };

  beforeAll(async () => {
    h = await startHarness({ db });
    secrets.alice = await mint('alice');
    secrets.readOnly = await mint('alice', { scope: 'read-only' });
    secrets.office = await mint('alice', { ipAllowlist: ['198.51.100.0/24'] });
    secrets.carol = await mint('carol');
    secrets.dave = await mint('dave');
  });
  afterAll(() => h?.close());
  beforeEach(async () => {
    await h.deps.settings.update(IDENTITY_HEADER_SETTINGS, ctx);
    await h.deps.permissions.update(DEFAULT_PERMISSIONS, ctx, h.deps.directory);
  });

  // In table order, with the two that break the companion's backends last.
  const order = Object.keys(scenarios) as DenyReason[];
  const last: DenyReason[] = ['site-unavailable', 'store-unavailable'];
  const walk = [...order.filter((r) => !last.includes(r)), ...last];

  it.each(walk)('%s', async (reason) => {
    const scenario = scenarios[reason];
    if ('siteOnly' in scenario) {
      // Still a row of the table, with a status and a code for whoever meets it.
      expect(statusFor(reason)).toBeGreaterThanOrEqual(400);
      expect(codeFor(reason)).toMatch(/^[a-z_]+$/);
      return;
    }
    if (scenario.settings)
      await h.deps.settings.update({ ...IDENTITY_HEADER_SETTINGS, ...scenario.settings }, ctx);
    await scenario.before?.();
    const status = statusFor(reason);
    const proxy = await site(scenario);
    expect({ status: proxy.status, reason: proxy.headers['x-api-token-auth-reason'] }).toEqual({
      status,
      reason,
    });
    const managed = await management(scenario);
    expect({ status: managed.status, code: managed.body.error?.code }).toEqual({
      status,
      code: codeFor(reason),
    });
    await h.deps.authz.throttle.reset('address', '203.0.113.50');
  });
});
