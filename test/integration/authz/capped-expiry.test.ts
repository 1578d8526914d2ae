import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authRequest,
  basic,
  DATABASES,
  type Harness,
  IDENTITY_HEADER_SETTINGS,
  startHarness,
} from '../api/harness.ts';

// Its own companion: capping changes every long-lived token of the database.
describe.each(DATABASES)('a capped token expiry on %s', (db) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ db });
    await h.deps.settings.update(IDENTITY_HEADER_SETTINGS, { actor: 'admin', remoteIp: null });
  });
  afterAll(() => h?.close());

  const expiration = async (secret: string) => {
    const res = await authRequest(h.http, basic('alice', secret)).expect(200);
    return res.headers['x-api-token-expiration'] as string;
  };

  it('is reported on the very next request, not when the cached decision runs out', async () => {
    const { secret } = await h.deps.tokens.create(
      { owner: 'alice', name: 'to be capped', validity: 'never' },
      { actor: 'alice', remoteIp: null },
    );
    expect(await expiration(secret)).toBe('never');
    // What PUT /admin/settings with capExistingTokens does after saving a lower maximum.
    const { capped } = await h.deps.tokens.capToMaximum('P1Y', { cap: true });
    expect(capped).toBe(1);
    const stored = (await h.deps.tokens.list('alice'))[0]?.expiresAt;
    expect(stored).toBeInstanceOf(Date);
    expect(await expiration(secret)).toBe(stored?.toISOString());
  });
});
