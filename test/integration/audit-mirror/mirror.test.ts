import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditMirror } from '../../../server/audit-mirror/audit-mirror.ts';
import type { LocalAuditRecord } from '../../../server/audit-mirror/site-records.ts';
import { createSiteClient } from '../../../server/directory/site-client.ts';
import { generateToken } from '../../../shared/token.ts';
import { type Simulator, siteAuditLog, startSimulator } from '../../atlassian-sim/index.ts';
import { api, type Harness } from '../api/harness.ts';
import { capturedLogger, logLines, startMirrorHarness, startRelay } from './harness.ts';

const authRecord = (action: LocalAuditRecord['action'], user: string, at: Date): LocalAuditRecord => ({
  at,
  actor: user,
  action,
  subjectUser: user,
  tokenId: 'tok-1',
  tokenName: 'ci',
  remoteIp: '127.0.0.9',
  details: null,
});

const created = (name: string, at = new Date()): LocalAuditRecord => ({
  ...authRecord('token.created', 'alice', at),
  tokenName: name,
  details: { validity: 'P1M', scope: 'read-only' },
});

describe('audit records mirrored into Confluence audit log', () => {
  let h: Harness;
  let alice: string;
  beforeAll(async () => {
    h = await startMirrorHarness('confluence8');
    alice = await h.login('alice');
  });
  afterAll(() => h?.close());

  it('creating and deleting a token puts both records in the site log, as the service user', async () => {
    const res = await h.http
      .post(api('/tokens'))
      .set('Cookie', alice)
      .send({ name: 'ci', validity: 'P1M', scope: 'read-only' })
      .expect(201);
    await h.http
      .delete(api(`/tokens/${res.body.token.id}`))
      .set('Cookie', alice)
      .expect(204);
    await h.companion.auditMirror?.flush();

    const records = siteAuditLog(h.sim.state).records;
    expect(records.map((r) => r.body.summary)).toEqual(['API token created', 'API token deleted']);
    expect(records.every((r) => r.postedBy === 'admin')).toBe(true);
    expect(records[0]?.body).toMatchObject({
      author: { type: 'user', username: 'alice' },
      description: 'API token created for alice by alice (api-token-auth, action token.created).',
      category: 'API tokens',
      sysAdmin: false,
      affectedObject: { name: 'alice', objectType: 'User' },
      associatedObjects: [{ name: 'ci', objectType: 'API token' }],
      changedValues: expect.arrayContaining([
        { name: 'scope', oldValue: '', newValue: 'read-only' },
        { name: 'expiresAt', oldValue: '', newValue: res.body.token.expiresAt },
      ]),
    });
    expect(typeof records[0]?.body.creationDate).toBe('number');
    // The local audit stays the source of truth: both records are there too.
    const local = await h.companion.deps.audit.list({ actor: 'alice' }, { limit: 10, offset: 0 });
    expect(local.items.map((r) => r.action).sort()).toEqual(['token.created', 'token.deleted']);
    // The site can list them for an administrator.
    const listed = await fetch(`${h.sim.baseUrl}/rest/api/audit`, {
      headers: {
        Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
        Accept: 'application/json',
      },
    });
    expect(((await listed.json()) as { results: unknown[] }).results).toHaveLength(2);
  });

  it('a batch of authentication records is one POST: a summary with the counts', async () => {
    const log = siteAuditLog(h.sim.state);
    const postsBefore = log.posts;
    const recordsBefore = log.records.length;
    const at = new Date();
    await h.companion.deps.audit.recordMany([
      { ...authRecord('auth.succeeded', 'alice', at), at },
      { ...authRecord('auth.succeeded', 'bob', at), at },
      { ...authRecord('auth.failed', 'carol', at), at },
      { ...authRecord('auth.succeeded', 'alice', at), at },
    ]);
    await h.companion.auditMirror?.flush();
    expect(log.posts - postsBefore).toBe(1);
    const summary = log.records.at(-1)?.body;
    expect(summary).toMatchObject({
      summary: 'API token authentications',
      changedValues: expect.arrayContaining([
        { name: 'auth.succeeded', oldValue: '', newValue: '3' },
        { name: 'auth.failed', oldValue: '', newValue: '1' },
      ]),
      associatedObjects: [
        { name: 'alice', objectType: 'User' },
        { name: 'bob', objectType: 'User' },
        { name: 'carol', objectType: 'User' },
      ],
    });
    expect(log.records.length - recordsBefore).toBe(1);
  });

  it("the validation plane's audited authentications arrive as one summary record", async () => {
    const { deps } = h.companion;
    const admin = { actor: 'admin', remoteIp: null };
    await deps.settings.update({ ...(await deps.settings.get()), auditAuthentications: true }, admin);
    const { secret } = await deps.tokens.create({ owner: 'alice', name: 'api', validity: 'P1M' }, admin);
    await h.companion.auditMirror?.flush();
    const log = siteAuditLog(h.sim.state);
    const before = log.posts;
    const check = (authorization: string) =>
      deps.authz.check({
        method: 'GET',
        path: '/rest/api/user/current',
        authorization: [authorization],
        peer: '127.0.0.1',
        headers: () => undefined,
      });
    for (const authorization of [`Bearer ${secret}`, `Bearer ${secret}`, `Bearer ${generateToken()}`])
      await check(authorization);
    await deps.authz.settled();
    await h.companion.auditMirror?.flush();
    expect(log.posts - before).toBe(1);
    // Whatever each check decided (the site mode decides that), all three are counted in it.
    const summary = log.records.at(-1)?.body as { summary: string; changedValues: { newValue: string }[] };
    expect(summary.summary).toBe('API token authentications');
    expect(summary.changedValues.reduce((n, c) => n + Number(c.newValue), 0)).toBe(3);
    const local = await deps.audit.list({ actor: 'alice' }, { limit: 100, offset: 0 });
    expect(local.items.filter((r) => r.action.startsWith('auth.'))).toHaveLength(2);
    await deps.settings.update({ ...(await deps.settings.get()), auditAuthentications: false }, admin);
    await h.companion.auditMirror?.flush();
  });

  it('a request does not wait for the site: records wait in the queue until their round', async () => {
    const mirror = h.companion.auditMirror as AuditMirror;
    const log = siteAuditLog(h.sim.state);
    const before = log.records.length;
    await h.http
      .post(api('/tokens'))
      .set('Cookie', alice)
      .send({ name: 'queued', validity: 'P1M' })
      .expect(201);
    expect(mirror.queued).toBe(1);
    expect(log.records.length).toBe(before);
    await mirror.whenIdle();
    expect(log.records.at(-1)?.body.summary).toBe('API token created');
  });
});

describe('delivery', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ flavour: 'confluence8' });
  });
  afterAll(() => sim?.close());
  const closeAfter: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closeAfter.splice(0)) await close();
  });

  const mirrorTo = (siteUrl: string, options: Partial<ConstructorParameters<typeof AuditMirror>[0]> = {}) => {
    const { logger, lines } = capturedLogger();
    const mirror = new AuditMirror({
      site: createSiteClient({ siteUrl, timeoutMs: 1000 }),
      product: 'confluence',
      serviceAuth: `Bearer ${sim.state.createPersonalAccessToken('admin')}`,
      logger,
      isStored: async () => true,
      maxDelayMs: 10,
      retryMs: { first: 20, max: 200 },
      ...options,
    });
    closeAfter.push(() => mirror.close());
    return { mirror, lines };
  };

  it('tries again after the site was down, oldest first, and says so', async () => {
    const relay = await startRelay(sim.port);
    closeAfter.push(() => relay.close());
    const { mirror, lines } = mirrorTo(relay.url);
    const log = siteAuditLog(sim.state);
    const before = log.records.length;
    await relay.stop();
    mirror.add([created('first'), created('second')], true);
    await mirror.flush();
    expect(log.records.length).toBe(before);
    expect(mirror.queued).toBe(2);
    expect(lines.find((l) => l.event === 'audit_mirror.retry')).toMatchObject({
      level: 40,
      msg: 'could not mirror audit records to the site; trying again later',
      queued: 2,
    });
    await relay.start();
    await mirror.whenIdle();
    expect(
      log.records.slice(before).map((r) => (r.body.associatedObjects as { name: string }[])[0]?.name),
    ).toEqual(['first', 'second']);
    expect(lines.some((l) => l.event === 'audit_mirror.resumed')).toBe(true);
  });

  it('a full queue drops new records, counts them and logs the count', async () => {
    const relay = await startRelay(sim.port);
    closeAfter.push(() => relay.close());
    await relay.stop();
    const { mirror, lines } = mirrorTo(relay.url, { maxQueued: 3 });
    mirror.add([created('a'), created('b'), created('c'), created('d'), created('e')], true);
    expect(mirror.queued).toBe(3);
    await mirror.flush();
    // The first drop is logged at once, the rest at most once a minute and when flushed.
    const notices = lines.filter((l) => l.event === 'audit_mirror.dropped');
    expect(notices.every((l) => l.level === 50 && l.maxQueued === 3)).toBe(true);
    expect(notices.reduce((n, l) => n + (l.dropped as number), 0)).toBe(2);
    expect(mirror.droppedTotal).toBe(2);
  });

  it('one round: a POST per management record, one for all the authentications, in order', async () => {
    const log = siteAuditLog(sim.state);
    const before = { posts: log.posts, records: log.records.length };
    const { mirror } = mirrorTo(sim.baseUrl);
    const at = new Date();
    mirror.add([created('one'), authRecord('auth.succeeded', 'bob', at), created('two')], true);
    mirror.add([authRecord('auth.ip_denied', 'carol', at), created('three')], true);
    await mirror.flush();
    expect(log.posts - before.posts).toBe(4);
    expect(log.records.slice(before.records).map((r) => r.body.summary)).toEqual([
      'API token created',
      'API token created',
      'API token created',
      'API token authentications',
    ]);
    expect(mirror.delivered).toBe(5);
  });

  it('a record whose transaction rolled back is not mirrored', async () => {
    const log = siteAuditLog(sim.state);
    const before = log.posts;
    const kept = created('kept');
    const { mirror } = mirrorTo(sim.baseUrl, { isStored: async (r) => r === kept });
    mirror.add([created('rolled-back')], false);
    mirror.add([kept], false);
    await mirror.flush();
    expect(log.posts - before).toBe(1);
    expect(log.records.at(-1)?.body.associatedObjects).toEqual([{ name: 'kept', objectType: 'API token' }]);
  });

  it('a service user who is no Confluence administrator: mirroring goes off, the log says why', async () => {
    const { logger, lines } = capturedLogger();
    const mirror = new AuditMirror({
      site: createSiteClient({ siteUrl: sim.baseUrl }),
      product: 'confluence',
      serviceAuth: `Bearer ${sim.state.createPersonalAccessToken('alice')}`,
      logger,
      isStored: async () => true,
    });
    const before = siteAuditLog(sim.state).posts;
    mirror.add([created('x')], true);
    await mirror.flush();
    expect(mirror.state).toBe('off');
    expect(siteAuditLog(sim.state).posts).toBe(before);
    expect(lines.find((l) => l.event === 'audit_mirror.off')?.msg).toMatch(/for administrators/);
    await mirror.close();
  });
});

describe('Jira: the legacy record API, detected', () => {
  it('Jira 10 has none: mirroring is off with a log line saying why, and nothing was posted', async () => {
    const h = await startMirrorHarness('jira9');
    try {
      const alice = await h.login('alice');
      await h.http
        .post(api('/tokens'))
        .set('Cookie', alice)
        .send({ name: 'ci', validity: 'P1M' })
        .expect(201);
      await h.companion.auditMirror?.flush();
      expect(h.companion.auditMirror?.state).toBe('off');
      const off = logLines(h).find((l) => l.event === 'audit_mirror.off');
      expect(off).toMatchObject({ level: 50, checked: 'GET /rest/api/2/auditing/record answered 404' });
      expect(off?.msg).toMatch(/no longer accepts the legacy audit record API/);
      expect(siteAuditLog(h.sim.state).posts).toBe(0);
      // Records keep going to the local audit only.
      await h.http
        .post(api('/tokens'))
        .set('Cookie', alice)
        .send({ name: 'two', validity: 'P1M' })
        .expect(201);
      expect(h.companion.auditMirror?.queued).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('Jira 8.20 still takes legacy records: they arrive in its shape', async () => {
    const h = await startMirrorHarness('jira8');
    try {
      const alice = await h.login('alice');
      await h.http
        .post(api('/tokens'))
        .set('Cookie', alice)
        .send({ name: 'ci', validity: 'P1M' })
        .expect(201);
      await h.companion.auditMirror?.flush();
      expect(h.companion.auditMirror?.state).toBe('on');
      const [record] = siteAuditLog(h.sim.state).records;
      expect(record?.postedBy).toBe('admin');
      expect(record?.body).toMatchObject({
        summary: 'API token created',
        category: 'API tokens',
        objectItem: { name: 'alice', typeName: 'USER' },
        associatedItems: [{ name: 'ci', typeName: 'API TOKEN' }],
        changedValues: expect.arrayContaining([{ fieldName: 'Actor', changedFrom: '', changedTo: 'alice' }]),
      });
    } finally {
      await h.close();
    }
  });
});
