import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASES } from './databases.ts';
import { type Harness, openServices } from './harness.ts';

describe.each(DATABASES)('AuditService on $name', ({ open }) => {
  let h: Harness;
  afterEach(async () => {
    await h?.db.dispose();
  });

  async function seed() {
    h.setNow('2026-01-01T00:00:00.000Z');
    await h.audit.record({ actor: 'Admin', action: 'settings.changed', details: { before: {}, after: {} } });
    h.setNow('2026-01-02T00:00:00.000Z');
    await h.audit.record({
      actor: 'admin',
      action: 'token.created',
      subjectUser: 'Bob',
      tokenId: 't-1',
      tokenName: '=HYPERLINK("http://evil")',
      remoteIp: '192.0.2.1',
    });
    h.setNow('2026-01-03T00:00:00.000Z');
    await h.audit.record({ actor: 'bob', action: 'token.deleted', subjectUser: 'bob', tokenId: 't-1' });
  }

  it('stamps records with the clock and filters them', async () => {
    h = await openServices(open);
    await seed();
    const list = async (filter: Parameters<typeof h.audit.list>[0]) =>
      (await h.audit.list(filter, { limit: 10, offset: 0 })).items.map((r) => r.action);
    expect(await list({})).toEqual(['token.deleted', 'token.created', 'settings.changed']);
    expect(await list({ actor: 'ADMIN' })).toEqual(['token.created', 'settings.changed']);
    expect(await list({ subjectUser: 'bob' })).toEqual(['token.deleted', 'token.created']);
    expect(await list({ tokenId: 't-1', action: 'token.deleted' })).toEqual(['token.deleted']);
    expect(
      await list({ from: new Date('2026-01-02T00:00:00Z'), to: new Date('2026-01-03T00:00:00Z') }),
    ).toEqual(['token.created']);
    const page = await h.audit.list({}, { limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.items[0]).toMatchObject({ at: new Date('2026-01-02T00:00:00.000Z'), subjectUser: 'bob' });
  });

  it('exports CSV oldest first with formula cells disarmed', async () => {
    h = await openServices(open);
    await seed();
    expect(await text(h.audit.exportCsv({}))).toBe(
      [
        'id,at,actor,action,subjectUser,tokenId,tokenName,remoteIp,details',
        `1,2026-01-01T00:00:00.000Z,admin,settings.changed,,,,,"{""before"":{},""after"":{}}"`,
        `2,2026-01-02T00:00:00.000Z,admin,token.created,bob,t-1,"'=HYPERLINK(""http://evil"")",192.0.2.1,`,
        '3,2026-01-03T00:00:00.000Z,bob,token.deleted,bob,t-1,,,',
        '',
      ].join('\n'),
    );
  });

  it('exports JSON Lines of any length, in order, one batch at a time', async () => {
    h = await openServices(open);
    await h.db.store.transaction(async (repos) => {
      for (let i = 0; i < 1234; i++) {
        await h.audit.record({ actor: 'admin', action: 'token.created', tokenId: `t-${i}` }, repos);
      }
    });
    await h.audit.record({ actor: 'bob', action: 'token.deleted' });
    const lines = (await text(h.audit.exportJsonLines({ action: 'token.created' }))).trimEnd().split('\n');
    expect(lines).toHaveLength(1234);
    const records = lines.map((line) => JSON.parse(line));
    expect(records.map((r) => r.tokenId)).toEqual(Array.from({ length: 1234 }, (_, i) => `t-${i}`));
    expect(records[0]).toMatchObject({ actor: 'admin', at: '2026-01-31T10:00:00.000Z', details: null });
  });
});
