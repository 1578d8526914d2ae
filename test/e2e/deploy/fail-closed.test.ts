import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/app.ts';
import { generateToken } from '../../../shared/token.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import {
  basic,
  call,
  createToken,
  PROXIES,
  type ProxyUnderTest,
  type RunningProxy,
  settingsFor,
  startCompanion,
} from './harness.ts';
import { startPrivatePostgres } from './private-postgres.ts';

// The fail-closed matrix (issue 10): the site, the database or the companion goes away while
// nginx and Caddy run their shipped files, and every kind of request gets the refusal that
// deploy/README.md documents; nothing with credentials is let through unchecked.
//
// Caches are the companion's right to answer without its database or the site for a few seconds
// (README, "How quickly changes apply"): the companion's clock is moved past all of them before
// the requests that must be refused, so an answer from a cache cannot pass for fail-closed.
const PAST_EVERY_CACHE_MS = 5 * 60_000;

interface Stage {
  sim: Simulator;
  companion: RunningServer;
  proxy: RunningProxy;
  /** A token used once before the fault (its positive decision is cached). */
  usedToken: string;
  /** A token never used before the fault. */
  freshToken: string;
  /** Moves the companion's clock forward. */
  advance(ms: number): void;
  dispose(): Promise<void>;
}

async function startStage(
  proxyUnderTest: ProxyUnderTest,
  databaseUrl: string,
  cleanup: () => Promise<void>,
): Promise<Stage> {
  const sim = await startSimulator({ flavour: 'jira9', trustedProxies: [proxyUnderTest.address] });
  let offset = 0;
  const companion = await startCompanion(
    {
      siteUrl: sim.baseUrl,
      serviceToken: sim.state.createPersonalAccessToken('admin'),
      databaseUrl,
      secret: randomBytes(32).toString('base64url'),
    },
    { clock: () => new Date(Date.now() + offset) },
  );
  await companion.deps.settings.update(settingsFor(proxyUnderTest.address, 'identity-header'), {
    actor: 'admin',
    remoteIp: null,
  });
  const usedToken = await createToken(companion);
  const freshToken = await createToken(companion);
  const proxy = await proxyUnderTest.start(`127.0.0.1:${sim.port}`, `127.0.0.1:${companion.port}`);
  const warm = await call(proxy, '/rest/api/2/myself', {
    headers: { Authorization: basic('alice', usedToken) },
  });
  expect(warm.status).toBe(200);
  return {
    sim,
    companion,
    proxy,
    usedToken,
    freshToken,
    advance: (ms) => {
      offset += ms;
    },
    async dispose() {
      await proxy.close();
      // A companion whose database is gone may not finish its last writes: it is not waited for long.
      await Promise.race([companion.close().catch(() => {}), new Promise((r) => setTimeout(r, 3_000))]);
      await sim.close().catch(() => {});
      await cleanup();
    },
  };
}

/** What the client sees: the status and, when the companion refused, its reason. */
interface Seen {
  status: number;
  reason?: string;
}

type Kind = 'token' | 'usedToken' | 'wrongToken' | 'password' | 'queryPassword' | 'none';

async function ask(stage: Stage, kind: Kind): Promise<Seen> {
  const headers: Record<Kind, Record<string, string>> = {
    token: { Authorization: basic('alice', stage.freshToken) },
    usedToken: { Authorization: `Bearer ${stage.usedToken}` },
    wrongToken: { Authorization: basic('alice', generateToken()) },
    password: { Authorization: basic('alice', 'alice') },
    queryPassword: {},
    none: {},
  };
  const target =
    kind === 'queryPassword'
      ? '/rest/api/2/myself?os_username=alice&os_password=alice'
      : kind === 'none'
        ? '/rest/api/2/serverInfo'
        : '/rest/api/2/myself';
  const reply = await call(stage.proxy, target, { headers: headers[kind] });
  const reason = reply.headers['x-api-token-auth-reason'];
  return typeof reason === 'string' && reason !== ''
    ? { status: reply.status, reason }
    : { status: reply.status };
}

/** Every request with a credential gets `refused`; browser traffic without one is still served. */
const credentialsRefused = (refused: Seen): Record<Kind, Seen> => ({
  token: refused,
  usedToken: refused,
  wrongToken: refused,
  password: refused,
  queryPassword: refused,
  none: { status: 200 },
});

/** Asks every kind of request; the refused ones must not have reached the site. */
async function expectAnswers(stage: Stage, expected: Record<Kind, Seen>): Promise<void> {
  const seen: Partial<Record<Kind, Seen>> = {};
  const refusedButReachedSite: Kind[] = [];
  for (const kind of Object.keys(expected) as Kind[]) {
    const before = stage.sim.state.requests.length;
    seen[kind] = await ask(stage, kind);
    if (expected[kind].status !== 200 && stage.sim.state.requests.length !== before) {
      refusedButReachedSite.push(kind);
    }
  }
  expect(seen).toEqual(expected);
  expect(refusedButReachedSite).toEqual([]);
}

/** Makes a SQLite database unreadable for everyone, root included: its files overwritten in place. */
async function corruptSqlite(file: string): Promise<void> {
  const dir = path.dirname(file);
  for (const name of await readdir(dir)) {
    if (!name.startsWith(path.basename(file))) continue;
    const target = path.join(dir, name);
    const { size } = await stat(target);
    const handle = await open(target, 'r+');
    try {
      await handle.write(randomBytes(Math.max(size, 4096)), 0, Math.max(size, 4096), 0);
    } finally {
      await handle.close();
    }
  }
}

describe.each(PROXIES)('the shipped $name config fails closed', (proxyUnderTest) => {
  const unavailable = (reason: string): Seen => ({ status: proxyUnderTest.unavailableStatus, reason });
  let stage: Stage | undefined;
  afterEach(async () => {
    await stage?.dispose();
    stage = undefined;
  });

  const onSqlite = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ata-fail-closed-'));
    const file = path.join(dir, 'companion.sqlite');
    stage = await startStage(proxyUnderTest, `sqlite://${file}`, () =>
      rm(dir, { recursive: true, force: true }),
    );
    return { stage, file };
  };

  it('when the site is down: tokens refused (the owner cannot be checked), the rest 502', async () => {
    const { stage } = await onSqlite();
    await stage.sim.close();
    stage.advance(PAST_EVERY_CACHE_MS);
    await expectAnswers(stage, {
      token: unavailable('site-unavailable'),
      usedToken: unavailable('site-unavailable'),
      wrongToken: { status: 401, reason: 'invalid-token' },
      password: { status: 502 },
      queryPassword: { status: 502 },
      none: { status: 502 },
    });
  });

  it('when PostgreSQL stops mid-run: every credential refused, browser traffic still served', async () => {
    const postgres = await startPrivatePostgres();
    stage = await startStage(proxyUnderTest, postgres.url, () => postgres.dispose());
    await postgres.stop();
    // A token the companion has not seen needs the database at once.
    expect(await ask(stage, 'token')).toEqual(unavailable('store-unavailable'));
    stage.advance(PAST_EVERY_CACHE_MS);
    await expectAnswers(stage, credentialsRefused(unavailable('store-unavailable')));
  }, 60_000);

  it('when the SQLite file becomes unreadable: every credential refused, browser traffic still served', async () => {
    const { stage, file } = await onSqlite();
    await corruptSqlite(file);
    expect(await ask(stage, 'token')).toEqual(unavailable('store-unavailable'));
    stage.advance(PAST_EVERY_CACHE_MS);
    await expectAnswers(stage, credentialsRefused(unavailable('store-unavailable')));
  });

  it('when the companion is down: every credential refused by the proxy, browser traffic still served', async () => {
    const { stage } = await onSqlite();
    await stage.companion.close();
    await expectAnswers(stage, credentialsRefused({ status: proxyUnderTest.companionDownStatus }));
  });
});
