// Two companions on one PostgreSQL database: B hears A's deletions (server/cluster) and emits them
// locally, but only the companion that served the request announces them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msUntil, startTwoCompanions, type TwoCompanions } from '../cluster/two-companions.ts';
import { type Receiver, startReceiver } from './receiver.ts';

const admin = { actor: 'admin', remoteIp: null };

describe('the webhook with two companions on one PostgreSQL database', () => {
  let c: TwoCompanions;
  let receiver: Receiver;
  beforeAll(async () => {
    [c, receiver] = await Promise.all([startTwoCompanions(), startReceiver()]);
  });
  afterAll(async () => {
    await c?.close();
    await receiver?.close();
  });

  it('announces a revocation on A once, though B drops the token too, and B sees A’s settings', async () => {
    await c.a.deps.webhooks.update(
      { enabled: true, url: receiver.url, secret: 'shared-by-both-0123456' },
      admin,
    );
    expect(await c.b.deps.webhooks.get()).toEqual({ enabled: true, url: receiver.url, secretSet: true });
    const { token } = await c.a.deps.tokens.create({ owner: 'bob', name: 'ci', validity: 'P1M' }, admin);
    await receiver.waitFor(1);
    const heard: string[][] = [];
    c.b.deps.events.on('token.deleted', ({ tokenIds }) => heard.push(tokenIds));
    expect(await c.a.deps.tokens.delete(token.id, admin)).toBe(true);
    await msUntil(async () => heard.length > 0);
    await receiver.waitFor(2);
    await Promise.all([c.a.deps.webhooks.idle(), c.b.deps.webhooks.idle()]);
    expect(receiver.received.map((r) => JSON.parse(r.body).event)).toEqual([
      'token.created_for_user',
      'token.revoked_by_admin',
    ]);
  });
});
