// A change made on one companion applies on the other within a second, through PostgreSQL's
// LISTEN/NOTIFY: deleted and capped tokens, settings, permissions. The delay is measured by asking
// B again and again; the one that made the change applies it on its very next request.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultPermissions } from '../../../shared/permissions.ts';
import { authRequest } from '../api/harness.ts';
import {
  createToken,
  ctx,
  msUntil,
  SETTINGS,
  startTwoCompanions,
  type TwoCompanions,
} from './two-companions.ts';

describe('two companions on one PostgreSQL database', () => {
  let c: TwoCompanions;

  beforeAll(async () => {
    c = await startTwoCompanions();
  });
  afterAll(() => c?.close());
  beforeEach(async () => {
    await c.a.deps.settings.update(SETTINGS, ctx);
    await c.a.deps.permissions.update(defaultPermissions(), ctx);
  });

  it('refuses on B, within a second, a token deleted on A', async () => {
    const { id, authorization } = await createToken(c.a);
    // Allowed on both; on B the second answer comes from its decision cache.
    expect((await c.a.check(authorization)).status).toBe(200);
    expect((await c.b.check(authorization)).status).toBe(200);
    expect((await c.b.check(authorization)).status).toBe(200);
    expect(c.b.deps.authz.cache.size).toBeGreaterThan(0);

    expect(await c.a.deps.tokens.delete(id, ctx)).toBe(true);
    expect(await c.a.check(authorization)).toEqual({ status: 401, reason: 'invalid-token' });
    const delay = await msUntil(async () => (await c.b.check(authorization)).status === 401);
    console.info(`token deleted on A, refused on B after ${delay.toFixed(1)} ms`);
    expect(delay).toBeLessThan(1000);
    expect((await c.b.check(authorization)).reason).toBe('invalid-token');
  });

  it('refuses on B, within a second, all tokens of a user deleted on A', async () => {
    const tokens = [await createToken(c.a, 'bob'), await createToken(c.a, 'bob')];
    for (const { authorization } of tokens) expect((await c.b.check(authorization)).status).toBe(200);
    expect(await c.a.deps.tokens.deleteAllForUser('bob', ctx)).toBe(2);
    const delay = await msUntil(async () => {
      const answers = await Promise.all(tokens.map((t) => c.b.check(t.authorization)));
      return answers.every((answer) => answer.status === 401);
    });
    expect(delay).toBeLessThan(1000);
  });

  it('shows on B, within a second, the expiry A capped', async () => {
    const { authorization } = await createToken(c.a);
    const expiry = async (on: typeof c.a) => {
      const res = await authRequest(on.http, authorization, { forwardedFor: '198.51.100.1' }).expect(200);
      return res.headers['x-api-token-expiration'];
    };
    expect(await expiry(c.b)).toBe('never');
    await c.a.deps.settings.update({ ...SETTINGS, maxValidity: 'P1M' }, ctx, {
      capExistingTokens: true,
    });
    expect(await expiry(c.a)).not.toBe('never');
    const delay = await msUntil(async () => (await expiry(c.b)) !== 'never');
    expect(delay).toBeLessThan(1000);
  });

  it('applies on B, within a second, settings saved on A', async () => {
    const { authorization } = await createToken(c.a);
    expect((await c.b.check(authorization)).status).toBe(200);
    await c.a.deps.settings.update({ ...SETTINGS, ipAllowlist: ['192.0.2.0/24'] }, ctx);
    expect((await c.a.check(authorization)).reason).toBe('ip-not-allowed');
    const delay = await msUntil(async () => (await c.b.check(authorization)).reason === 'ip-not-allowed');
    console.info(`settings saved on A, applied on B after ${delay.toFixed(1)} ms`);
    expect(delay).toBeLessThan(1000);
    // B's own reads (the admin API) see the new document too, not its cached copy.
    expect((await c.b.deps.settings.get()).ipAllowlist).toEqual(['192.0.2.0/24']);
    expect((await c.b.check(authorization, '192.0.2.7')).status).toBe(200);
  });

  it('applies on B, within a second, permissions saved on A', async () => {
    const { authorization } = await createToken(c.a);
    expect((await c.b.check(authorization)).status).toBe(200);
    const onlyAdmins = {
      ...defaultPermissions(),
      useTokens: { everyone: false, groups: ['jira-administrators'] },
    };
    await c.a.deps.permissions.update(onlyAdmins, ctx);
    const refusedOnA = await c.a.check(authorization);
    expect(refusedOnA.status).not.toBe(200);
    const delay = await msUntil(async () => (await c.b.check(authorization)).status !== 200);
    console.info(`permissions saved on A, applied on B after ${delay.toFixed(1)} ms`);
    expect(delay).toBeLessThan(1000);
    expect(await c.b.check(authorization)).toEqual(refusedOnA);
    expect((await c.b.deps.permissions.get()).useTokens).toEqual(onlyAdmins.useTokens);
  });
});
