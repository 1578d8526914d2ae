// Two companions (two wireCompanion instances, each with its own connections) on one freshly
// created PostgreSQL database behind one simulated Jira, driven with supertest: what an operator
// runs behind a load balancer, in one test process.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import supertest from 'supertest';
import { createApp } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import type { CompanionDeps } from '../../../server/deps.ts';
import type { Settings } from '../../../server/services/types.ts';
import { wireCompanion } from '../../../server/wiring.ts';
import { generateToken } from '../../../shared/token.ts';
import { type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import {
  authRequest,
  BASE,
  basic,
  companionEnv,
  createTestDatabase,
  DEFAULT_SETTINGS,
  keptLogs,
  type TestDatabase,
} from '../api/harness.ts';

export const ctx = { actor: 'admin', remoteIp: null };

/**
 * The settings every test starts from: client addresses from X-Forwarded-For, as behind nginx,
 * so each test picks its own; the owner's name to the site, so no site token is needed.
 */
export const SETTINGS: Settings = {
  ...DEFAULT_SETTINGS,
  reverseProxy: { enabled: true, trustedProxies: ['127.0.0.1'], clientIpHeader: 'X-Forwarded-For' },
  siteCredentialMode: 'identity-header',
};

export interface Instance {
  name: string;
  deps: CompanionDeps;
  http: ReturnType<typeof supertest>;
  logs: string[];
  /** The proxy's question for this Authorization value, from a client at `from`. */
  check(authorization: string, from?: string): Promise<{ status: number; reason: string | undefined }>;
  close(): Promise<void>;
}

export interface TwoCompanions {
  sim: Simulator;
  db: TestDatabase;
  a: Instance;
  b: Instance;
  /** Runs SQL on the test database over a connection of its own. */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const { logs, logger } = keptLogs();
  const companion = await wireCompanion(loadConfig(env), { logger });
  const http = supertest(createApp(companion.deps).callback());
  return {
    name,
    deps: companion.deps,
    http,
    logs,
    async check(authorization, from = '198.51.100.1') {
      const res = await authRequest(http, authorization, { forwardedFor: from });
      return { status: res.status, reason: res.headers['x-api-token-auth-reason'] as string | undefined };
    },
    close: () => companion.shutdown(),
  };
}

export async function startTwoCompanions(extraEnv: Record<string, string> = {}): Promise<TwoCompanions> {
  const sim = await startSimulator({ flavour: 'jira9' });
  const db = await createTestDatabase('postgres');
  const env = { ...companionEnv(sim, db.url), ...extraEnv };
  const started: Instance[] = [];
  const sql = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  try {
    started.push(await startInstance('A', env));
    started.push(await startInstance('B', env));
  } catch (err) {
    for (const instance of started) await instance.close();
    await sim.close();
    await db.drop();
    throw err;
  }
  const [a, b] = started as [Instance, Instance];
  await a.deps.settings.update(SETTINGS, ctx);
  return {
    sim,
    db,
    a,
    b,
    sql,
    async close() {
      await a.close();
      await b.close();
      await sim.close();
      await db.drop();
    },
  };
}

/** A token for `owner`, created on `on`; its Authorization value and id. */
export async function createToken(on: Instance, owner = 'alice') {
  const { token, secret } = await on.deps.tokens.create(
    { owner, name: `cluster ${randomBytes(3).toString('hex')}`, validity: 'never' },
    { actor: owner, remoteIp: null },
  );
  return { id: token.id, authorization: basic(owner, secret) };
}

export const wrongToken = () => `Bearer ${generateToken()}`;

/**
 * Asks `until` again and again (no sleep beyond a few ms) and returns how long it took to hold,
 * in ms; throws after `timeoutMs`.
 */
export async function msUntil(until: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await until()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The readiness answer's notifications check. */
export async function notificationsCheck(instance: Instance): Promise<string | undefined> {
  const res = await instance.http.get(`${BASE}/readyz`);
  return res.body.checks?.notifications;
}
