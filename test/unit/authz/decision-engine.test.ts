import { describe, expect, it } from 'vitest';
import { DecisionCache } from '../../../server/authz/decision-cache.ts';
import {
  type AuthzRequest,
  type DecisionPorts,
  decide,
  type SiteUser,
  type TokenFacts,
  UnavailableError,
} from '../../../server/authz/decision-engine.ts';
import { tokenPaths } from '../../../server/authz/paths.ts';
import { type AuthzSettings, compilePolicy } from '../../../server/authz/policy.ts';
import { Throttle } from '../../../server/authz/throttle.ts';
import { evaluatePermissions, type PermissionsDocument } from '../../../shared/permissions.ts';
import { generateToken } from '../../../shared/token.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

const secrets = {
  alice: generateToken(),
  aliceReadOnly: generateToken(),
  aliceOffice: generateToken(),
  carol: generateToken(),
  dave: generateToken(),
  admin: generateToken(),
  soonExpired: generateToken(),
  unknown: generateToken(),
};

const token = (id: string, owner: string, extra: Partial<TokenFacts> = {}): TokenFacts => ({
  id,
  name: `${owner}'s token`,
  owner,
  scope: 'read-write',
  ipAllowlist: [],
  expiresAt: null,
  ownerKey: `key-${owner}`,
  ...extra,
});

const later = {
  unbound: generateToken(),
  renamed: generateToken(),
  formerOwner: generateToken(),
};

const tokens = new Map<string, TokenFacts>([
  // Older rows carry no key: bound at their first successful check.
  [later.unbound, token('t-unbound', 'alice', { ownerKey: null })],
  // Erin was renamed to Erin2 on the site; the token still has her old name.
  [later.renamed, token('t-renamed', 'erin', { ownerKey: 'key-erin' })],
  // The first frank was deleted; a new frank (another key) has his name now.
  [later.formerOwner, token('t-former', 'frank', { ownerKey: 'key-frank-deleted' })],
  [secrets.alice, token('t-alice', 'alice', { expiresAt: new Date('2026-12-01T00:00:00Z') })],
  [secrets.aliceReadOnly, token('t-ro', 'alice', { scope: 'read-only' })],
  [secrets.aliceOffice, token('t-office', 'alice', { ipAllowlist: ['198.51.100.0/24'] })],
  [secrets.carol, token('t-carol', 'carol')],
  [secrets.dave, token('t-dave', 'dave')],
  [secrets.admin, token('t-admin', 'admin')],
  [secrets.soonExpired, token('t-soon', 'alice', { expiresAt: new Date(NOW.getTime() + 1000) })],
]);

const user = (username: string, groups: string[], extra: Partial<SiteUser> = {}): SiteUser => ({
  username,
  key: `key-${username.toLowerCase()}`,
  active: true,
  groups,
  isAdmin: false,
  ...extra,
});
const users = new Map<string, SiteUser>([
  ['alice', user('Alice', ['developers', 'jira-software-users'])],
  ['carol', user('carol', ['contractors', 'jira-software-users'])],
  ['dave', user('dave', ['developers'], { active: false })],
  ['admin', user('admin', ['jira-administrators'], { isAdmin: true })],
  ['erin2', user('erin2', ['developers'], { key: 'key-erin' })],
  ['frank', user('frank', ['developers'], { key: 'key-frank-new' })],
]);

// Site-token mode: the owners' site PATs as the sealed store would open them.
const sitePats = new Map<string, string>([
  ['t-alice', 'NTk5MTk3NjU0MzIxOmFsaWNlLXNpdGUtcGF0'],
  ['t-carol', 'refused'],
]);

const permissions: PermissionsDocument = {
  useTokens: { everyone: false, groups: ['developers'] },
  createOwnTokens: { everyone: true, groups: [] },
  createTokensForOthers: { everyone: false, groups: [] },
};

const defaultSettings: AuthzSettings = {
  ipAllowlist: [],
  reverseProxy: { enabled: false, trustedProxies: [], clientIpHeader: 'X-Forwarded-For' },
  passwordBasicAuth: true,
  forceReadOnlyScope: false,
  auditAuthentications: false,
  siteCredentialMode: 'identity-header',
};

function setup(
  settings: Partial<AuthzSettings> = {},
  failures: Partial<Pick<DecisionPorts, 'verifyToken' | 'lookupOwner'>> = {},
) {
  let clock = NOW;
  const calls = { verify: 0, lookup: 0, bound: [] as Array<[string, string]>, unsealed: [] as string[] };
  const cache = new DecisionCache({ clock: () => clock });
  const throttle = new Throttle({
    perAddress: { failures: 3, windowSeconds: 60, blockSeconds: 60 },
    perUser: { failures: 5, windowSeconds: 60, blockSeconds: 60 },
  });
  const policy = compilePolicy({ ...defaultSettings, ...settings });
  const ports: DecisionPorts = {
    policy: () => policy,
    verifyToken:
      failures.verifyToken ??
      (async (secret) => {
        calls.verify++;
        return tokens.get(secret) ?? null;
      }),
    lookupOwner:
      failures.lookupOwner ??
      (async (facts) => {
        calls.lookup++;
        const all = [...users.values()];
        return (
          (facts.ownerKey === null
            ? users.get(facts.owner.toLowerCase())
            : all.find((u) => u.key === facts.ownerKey)) ?? null
        );
      }),
    bindOwner: async (facts, owner) => {
      calls.bound.push([facts.id, owner.key]);
    },
    tokenPathAllowed: tokenPaths('jira', ''),
    siteCredential: async (facts) => {
      calls.unsealed.push(facts.id);
      const pat = sitePats.get(facts.id);
      if (pat === undefined) return 'site-credential-pending';
      if (pat === 'refused') return 'site-credential-refused';
      // Like the site: a PAT it does not answer for is refused.
      const owner = [...users.values()].find((u) => u.key === facts.ownerKey);
      return owner === undefined ? 'site-credential-refused' : { authorization: `Bearer ${pat}`, owner };
    },
    mayUseTokens: (u) => evaluatePermissions(permissions, u).useTokens,
    cache,
    throttle,
    clock: () => clock,
  };
  const ask = (authorization: string[], extra: Partial<AuthzRequest> = {}) =>
    decide(
      { method: 'GET', path: '/rest/api/2/myself', authorization, peer: '192.0.2.10', headers: {}, ...extra },
      ports,
    );
  return { ask, calls, cache, advance: (ms: number) => (clock = new Date(clock.getTime() + ms)) };
}

describe('decide: which path a request takes', () => {
  it.each([
    [
      'no Authorization header',
      [],
      { decision: 'allow', status: 200, mode: 'session', user: null, reason: 'ok' },
    ],
    [
      'a Basic password',
      [basic('alice', 'pw')],
      { decision: 'allow', status: 200, mode: 'password', user: 'alice' },
    ],
    [
      'the site’s own Bearer token',
      ['Bearer site-pat-123'],
      { decision: 'allow', status: 200, mode: 'passthrough' },
    ],
    ['another scheme', ['OAuth oauth_token="x"'], { decision: 'allow', status: 200, mode: 'passthrough' }],
    [
      'a valid token as Basic',
      [basic('alice', secrets.alice)],
      { decision: 'allow', mode: 'token', user: 'Alice' },
    ],
    [
      'a valid token, username in other case',
      [basic('ALICE', secrets.alice)],
      { decision: 'allow', user: 'Alice' },
    ],
    [
      'a valid token as Bearer',
      [`Bearer ${secrets.alice}`],
      { decision: 'allow', mode: 'token', user: 'Alice' },
    ],
    [
      'an administrator outside the use group',
      [`Bearer ${secrets.admin}`],
      { decision: 'allow', user: 'admin' },
    ],
  ])('%s', async (_name, authorization, expected) => {
    expect(await setup().ask(authorization)).toMatchObject(expected);
  });

  it('a valid token reports its id, name, expiry and scope', async () => {
    expect((await setup().ask([basic('alice', secrets.alice)])).token).toEqual({
      id: 't-alice',
      name: "alice's token",
      expiresAt: new Date('2026-12-01T00:00:00Z'),
      scope: 'read-write',
      ipAllowlist: [],
    });
  });
});

describe('decide: refusals', () => {
  it.each([
    ['an unknown (or expired, or deleted) token', [basic('alice', secrets.unknown)], 401, 'invalid-token'],
    ['an unknown Bearer token', [`Bearer ${secrets.unknown}`], 401, 'invalid-token'],
    ['someone else’s token', [basic('bob', secrets.alice)], 401, 'token-user-mismatch'],
    ['a deactivated owner', [basic('dave', secrets.dave)], 403, 'user-inactive'],
    ['an owner without "use tokens"', [basic('carol', secrets.carol)], 403, 'permission-denied'],
    ['a mistyped token', [basic('alice', `${secrets.alice.slice(0, -1)}!`)], 401, 'bad-token-checksum'],
    [
      'two Authorization headers',
      [basic('alice', secrets.alice), 'Bearer x'],
      401,
      'multiple-authorization-headers',
    ],
    ['bad base64', ['Basic @@@@'], 401, 'bad-base64'],
    ['no colon', [`Basic ${Buffer.from('alice').toString('base64')}`], 401, 'no-colon'],
  ])('%s', async (_name, authorization, status, reason) => {
    expect(await setup().ask(authorization)).toMatchObject({ decision: 'deny', status, reason });
  });

  it('password Basic auth switched off: 403, and the token path still works', async () => {
    const { ask } = setup({ passwordBasicAuth: false });
    expect(await ask([basic('alice', 'pw')])).toMatchObject({
      status: 403,
      reason: 'password-auth-disabled',
    });
    expect(await ask([basic('alice', secrets.alice)])).toMatchObject({ decision: 'allow' });
  });

  it('a read-only token may read but not write', async () => {
    const { ask } = setup();
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) {
      expect(await ask([basic('alice', secrets.aliceReadOnly)], { method })).toMatchObject({
        decision: 'allow',
      });
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', '']) {
      expect(await ask([basic('alice', secrets.aliceReadOnly)], { method })).toMatchObject({
        status: 403,
        reason: 'scope-read-only',
      });
    }
  });

  it('the forced read-only setting applies to read-write tokens too', async () => {
    const { ask } = setup({ forceReadOnlyScope: true });
    expect(await ask([basic('alice', secrets.alice)], { method: 'POST' })).toMatchObject({
      reason: 'scope-read-only',
    });
    expect((await ask([basic('alice', secrets.alice)])).token?.scope).toBe('read-only');
  });
});

describe('decide: IP allowlists', () => {
  const allowlisted = { ipAllowlist: ['192.0.2.0/28'] };

  it('the global list guards every credential kind but not sessions', async () => {
    const { ask } = setup(allowlisted);
    const outside = { peer: '203.0.113.5' };
    for (const authorization of [
      [basic('alice', secrets.alice)],
      [basic('alice', 'pw')],
      ['Bearer site-pat'],
    ]) {
      expect(await ask(authorization, outside)).toMatchObject({ status: 403, reason: 'ip-not-allowed' });
      expect(await ask(authorization)).toMatchObject({ decision: 'allow' });
    }
    expect(await ask([], outside)).toMatchObject({ decision: 'allow', mode: 'session' });
  });

  it('an empty global list allows every address', async () => {
    expect(await setup().ask([basic('alice', 'pw')], { peer: '203.0.113.5' })).toMatchObject({
      decision: 'allow',
    });
  });

  it('a token’s own list applies on top', async () => {
    const { ask } = setup();
    expect(await ask([basic('alice', secrets.aliceOffice)])).toMatchObject({
      status: 403,
      reason: 'token-ip-not-allowed',
    });
    expect(await ask([basic('alice', secrets.aliceOffice)], { peer: '198.51.100.20' })).toMatchObject({
      decision: 'allow',
    });
  });

  it('behind a trusted proxy the forwarded client counts; a forged header from elsewhere does not', async () => {
    const { ask } = setup({
      ...allowlisted,
      reverseProxy: { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' },
    });
    const cred = [basic('alice', secrets.alice)];
    expect(await ask(cred, { peer: '127.0.0.1', headers: { 'x-forwarded-for': '192.0.2.3' } })).toMatchObject(
      {
        decision: 'allow',
        clientIp: '192.0.2.3',
      },
    );
    expect(
      await ask(cred, { peer: '127.0.0.1', headers: { 'x-forwarded-for': '192.0.2.3, 203.0.113.7' } }),
    ).toMatchObject({
      reason: 'ip-not-allowed',
      clientIp: '203.0.113.7',
    });
    expect(
      await ask(cred, { peer: '203.0.113.7', headers: { 'x-forwarded-for': '192.0.2.3' } }),
    ).toMatchObject({
      reason: 'ip-not-allowed',
    });
  });

  it('an unknown client address fails a non-empty list', async () => {
    const { ask } = setup({
      ...allowlisted,
      reverseProxy: { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' },
    });
    expect(
      await ask([basic('alice', 'pw')], { peer: '127.0.0.1', headers: { 'x-forwarded-for': 'garbage' } }),
    ).toMatchObject({ status: 403, reason: 'client-ip-unknown', clientIp: null });
  });
});

describe('decide: throttling', () => {
  it('blocks an address after too many wrong tokens, valid ones included, and leaves others alone', async () => {
    const { ask } = setup();
    for (let i = 0; i < 3; i++)
      expect((await ask([`Bearer ${secrets.unknown}`])).reason).toBe('invalid-token');
    expect(await ask([`Bearer ${secrets.unknown}`])).toMatchObject({ status: 401 });
    const blocked = await ask([basic('alice', secrets.alice)]);
    expect(blocked).toMatchObject({ status: 429, reason: 'throttled' });
    expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
    expect(await ask([basic('alice', secrets.alice)], { peer: '192.0.2.11' })).toMatchObject({
      decision: 'allow',
    });
    // Password auth is the site's to throttle: it is not blocked here.
    expect(await ask([basic('alice', 'pw')])).toMatchObject({ decision: 'allow' });
  });

  it('answers wrong tokens for an attacked username as throttled, without locking its owner out', async () => {
    const { ask } = setup();
    for (let i = 0; i < 6; i++) await ask([basic('alice', secrets.unknown)], { peer: `203.0.113.${i}` });
    const guess = await ask([basic('alice', secrets.unknown)], { peer: '203.0.113.77' });
    expect(guess).toMatchObject({ status: 429, reason: 'throttled' });
    expect(guess.retryAfterSeconds).toBeGreaterThan(0);
    expect(await ask([basic('Alice', secrets.alice)], { peer: '192.0.2.99' })).toMatchObject({
      decision: 'allow',
    });
    expect(await ask([basic('bob', secrets.unknown)], { peer: '192.0.2.98' })).toMatchObject({
      reason: 'invalid-token',
    });
  });

  it('refusals by rule (scope, IP, permission) are not counted as guesses', async () => {
    const { ask } = setup();
    for (let i = 0; i < 5; i++) await ask([basic('carol', secrets.carol)]);
    expect(await ask([basic('alice', secrets.alice)])).toMatchObject({ decision: 'allow' });
  });
});

describe('decide: the positive cache', () => {
  it('answers a repeated valid token without the store or the site', async () => {
    const { ask, calls } = setup();
    await ask([basic('alice', secrets.alice)]);
    await ask([basic('alice', secrets.alice)], { method: 'POST' });
    expect(calls).toMatchObject({ verify: 1, lookup: 1 });
  });

  it('still applies every per-request rule to a cached token', async () => {
    const { ask } = setup();
    expect(await ask([basic('alice', secrets.aliceReadOnly)])).toMatchObject({ decision: 'allow' });
    expect(await ask([basic('alice', secrets.aliceReadOnly)], { method: 'DELETE' })).toMatchObject({
      reason: 'scope-read-only',
    });
    expect(await ask([basic('bob', secrets.aliceReadOnly)])).toMatchObject({ reason: 'token-user-mismatch' });
  });

  it('never caches refusals', async () => {
    const { ask, calls, cache } = setup();
    await ask([basic('carol', secrets.carol)]);
    await ask([basic('alice', secrets.unknown)]);
    expect(cache.size).toBe(0);
    await ask([basic('carol', secrets.carol)]);
    expect(calls.verify).toBe(3);
  });

  it('asks again once a token is invalidated or the entry is old', async () => {
    const { ask, calls, cache, advance } = setup();
    await ask([basic('alice', secrets.alice)]);
    cache.invalidateTokens(['t-alice']);
    await ask([basic('alice', secrets.alice)]);
    expect(calls.verify).toBe(2);
    advance(60_000);
    await ask([basic('alice', secrets.alice)]);
    expect(calls.verify).toBe(3);
  });

  it('refuses a cached token the moment it expires', async () => {
    const { ask, advance } = setup();
    expect(await ask([basic('alice', secrets.soonExpired)])).toMatchObject({ decision: 'allow' });
    advance(1000);
    expect(await ask([basic('alice', secrets.soonExpired)])).toMatchObject({
      status: 401,
      reason: 'invalid-token',
    });
  });
});

describe('decide: failing backends', () => {
  it('a store error refuses with 503, never throws', async () => {
    const { ask } = setup({}, { verifyToken: async () => Promise.reject(new Error('SQLITE_BUSY')) });
    expect(await ask([basic('alice', secrets.alice)])).toMatchObject({
      status: 503,
      reason: 'store-unavailable',
    });
  });

  it('an unreachable site refuses with 503', async () => {
    const { ask } = setup(
      {},
      { lookupOwner: async () => Promise.reject(new UnavailableError('site-unavailable')) },
    );
    expect(await ask([basic('alice', secrets.alice)])).toMatchObject({
      status: 503,
      reason: 'site-unavailable',
    });
  });
});

describe('decide: a token in the user-name field', () => {
  it('is a token for its owner, never a password (curl -u ata_…:)', async () => {
    for (const password of ['', 'x-oauth-basic']) {
      expect(await setup().ask([basic(secrets.alice, password)])).toMatchObject({
        decision: 'allow',
        mode: 'token',
        user: 'Alice',
      });
    }
  });

  it('a broken one is a mistyped token, counted like any wrong token', async () => {
    const { ask } = setup();
    for (const name of ['ata_typo', 'ATA_typo', ` ${secrets.alice.slice(0, -1)}!`, 'ata_x']) {
      expect(await ask([basic(name, '')], { peer: '192.0.2.77' })).toMatchObject({
        mode: 'token',
        reason: 'bad-token-checksum',
        user: null,
      });
    }
    expect(await ask([basic('ata_typo', '')], { peer: '192.0.2.77' })).toMatchObject({
      reason: 'throttled',
    });
  });

  it('with a token in both fields is refused', async () => {
    expect(await setup().ask([basic(secrets.alice, secrets.carol)])).toMatchObject({
      status: 401,
      reason: 'two-tokens',
      user: null,
    });
  });
});

describe('decide: where a token may be used', () => {
  it.each([
    ['/rest/api/2/issue/DEMO-1', 'allow'],
    ['/secure/attachment/10000/log.txt', 'allow'],
    ['/secure/Dashboard.jspa', 'deny'],
    ['/secure/admin/EditApplicationProperties!default.jspa?x=1', 'deny'],
    ['/rest/../secure/Dashboard.jspa', 'deny'],
    ['/rest/%2e%2e/secure/Dashboard.jspa', 'deny'],
    ['/rest/api/2/..;/..;/secure/Dashboard.jspa', 'deny'],
    ['//rest/api/2/myself', 'deny'],
  ])('%s: %s', async (path, decision) => {
    const { ask, calls } = setup();
    const answer = await ask([basic('alice', secrets.alice)], { path });
    expect(answer).toMatchObject(
      decision === 'allow' ? { decision } : { decision, status: 403, reason: 'path-not-allowed' },
    );
    // Refused before the store is asked: a token is no key to web pages, valid or not.
    if (decision === 'deny') expect(calls.verify).toBe(0);
  });

  it('the management API has no path rule of its own', async () => {
    expect(
      await setup().ask([basic('alice', secrets.alice)], { path: '/api/v1/tokens', plane: 'companion' }),
    ).toMatchObject({ decision: 'allow' });
  });

  it('sessions and passwords keep every path: the site decides for them', async () => {
    const { ask } = setup();
    expect(await ask([], { path: '/secure/Dashboard.jspa' })).toMatchObject({ decision: 'allow' });
    expect(await ask([basic('alice', 'pw')], { path: '/secure/Dashboard.jspa' })).toMatchObject({
      decision: 'allow',
      mode: 'password',
    });
  });
});

describe('decide: read-only tokens and method overrides', () => {
  it.each(['X-HTTP-Method-Override', 'X-Method-Override'])(
    'refuses a read-only GET carrying %s',
    async (name) => {
      const headers = { [name.toLowerCase()]: 'DELETE' };
      const { ask } = setup();
      expect(await ask([basic('alice', secrets.aliceReadOnly)], { headers })).toMatchObject({
        status: 403,
        reason: 'scope-read-only',
      });
      // Cached or not: the second ask is answered from the cache.
      expect(await ask([basic('alice', secrets.aliceReadOnly)])).toMatchObject({ decision: 'allow' });
      expect(await ask([basic('alice', secrets.aliceReadOnly)], { headers })).toMatchObject({
        reason: 'scope-read-only',
      });
      expect(await ask([basic('alice', secrets.alice)], { headers })).toMatchObject({ decision: 'allow' });
    },
  );
});

describe('decide: credentials in the query (Seraph os_username / os_password)', () => {
  const query = '/rest/api/2/myself?os_username=alice&os_password=secret';

  it('are checked like password Basic', async () => {
    expect(await setup().ask([], { path: query })).toMatchObject({
      decision: 'allow',
      mode: 'password',
      user: 'alice',
    });
    expect(await setup({ passwordBasicAuth: false }).ask([], { path: query })).toMatchObject({
      status: 403,
      reason: 'password-auth-disabled',
    });
    expect(await setup({ ipAllowlist: ['198.51.100.0/24'] }).ask([], { path: query })).toMatchObject({
      status: 403,
      reason: 'ip-not-allowed',
    });
  });

  it('are found whatever their case or encoding, and only on the site plane', async () => {
    const { ask } = setup({ passwordBasicAuth: false });
    for (const path of ['/x?OS_PASSWORD=a', '/x?os%5Fpassword=a', '/x?a=1&os_username=bob']) {
      expect(await ask([], { path })).toMatchObject({ reason: 'password-auth-disabled' });
    }
    expect(await ask([], { path: '/login.jsp?os_destination=%2Fbrowse' })).toMatchObject({ mode: 'session' });
    expect(await ask([], { path: '/api/v1/me?os_password=a', plane: 'companion' })).toMatchObject({
      mode: 'session',
    });
  });

  it('beside an Authorization header, or holding a token, are refused', async () => {
    const { ask } = setup();
    expect(await ask([basic('alice', secrets.alice)], { path: query })).toMatchObject({
      status: 401,
      reason: 'mixed-credentials',
    });
    expect(await ask([], { path: `/rest/api/2/myself?os_password=${secrets.alice}` })).toMatchObject({
      status: 401,
      reason: 'token-in-query',
    });
  });

  it('are not hidden by a cached token', async () => {
    const { ask } = setup();
    await ask([basic('alice', secrets.alice)]);
    expect(await ask([basic('alice', secrets.alice)], { path: query })).toMatchObject({
      reason: 'mixed-credentials',
    });
  });
});

describe('decide: tokens belong to the owner’s user key', () => {
  it('binds an older token to its owner’s key at its first successful check', async () => {
    const { ask, calls } = setup();
    expect(await ask([basic('alice', later.unbound)])).toMatchObject({ decision: 'allow' });
    expect(calls.bound).toEqual([['t-unbound', 'key-alice']]);
  });

  it('a renamed user keeps their tokens, under their new name only', async () => {
    const { ask, calls } = setup();
    expect(await ask([`Bearer ${later.renamed}`])).toMatchObject({ decision: 'allow', user: 'erin2' });
    // The stored owner name follows the rename.
    expect(calls.bound).toEqual([['t-renamed', 'key-erin']]);
    expect(await ask([basic('erin2', later.renamed)])).toMatchObject({ decision: 'allow' });
    expect(await ask([basic('erin', later.renamed)])).toMatchObject({ reason: 'token-user-mismatch' });
  });

  it('a new user with an old name never inherits the old tokens', async () => {
    const { ask } = setup();
    expect(await ask([basic('frank', later.formerOwner)])).toMatchObject({
      status: 403,
      reason: 'user-inactive',
    });
  });
});

describe('decide: site-token mode', () => {
  it('hands the site the owner’s own PAT, not the token or a name header', async () => {
    const { ask } = setup({ siteCredentialMode: 'site-token' });
    const answer = await ask([basic('alice', secrets.alice)]);
    expect(answer).toMatchObject({
      decision: 'allow',
      mode: 'token',
      user: 'Alice',
      siteAuthorization: 'Bearer NTk5MTk3NjU0MzIxOmFsaWNlLXNpdGUtcGF0',
    });
  });

  it('refuses a token whose owner has no site PAT yet, or whose PAT the site refuses', async () => {
    const { ask } = setup({ siteCredentialMode: 'site-token' });
    expect(await ask([basic('alice', secrets.aliceReadOnly)])).toMatchObject({
      status: 403,
      reason: 'site-credential-pending',
    });
    expect(await ask([basic('carol', secrets.carol)])).toMatchObject({
      status: 403,
      reason: 'site-credential-refused',
    });
  });

  it('a token first resolved for the management API is resolved again for the site', async () => {
    const { ask, calls } = setup({ siteCredentialMode: 'site-token' });
    await ask([basic('alice', secrets.alice)], { plane: 'companion', path: '/api/v1/me' });
    expect(calls.unsealed).toEqual([]);
    expect(await ask([basic('alice', secrets.alice)])).toMatchObject({
      siteAuthorization: expect.any(String),
    });
    expect(calls.unsealed).toEqual(['t-alice']);
    // And then answered from the cache, PAT included.
    expect(await ask([basic('alice', secrets.alice)])).toMatchObject({
      siteAuthorization: expect.any(String),
    });
    expect(calls.unsealed).toEqual(['t-alice']);
  });

  it('identity-header mode never opens a site credential', async () => {
    const { ask, calls } = setup();
    const answer = await ask([basic('alice', secrets.alice)]);
    expect(answer.siteAuthorization).toBeUndefined();
    expect(calls.unsealed).toEqual([]);
  });
});
