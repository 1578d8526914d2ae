// One companion wired to a real simulator and a real database (SQLite file or a freshly created
// PostgreSQL database), driven with supertest. Each suite runs on both databases via describe.each.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import knex from 'knex';
import type Koa from 'koa';
import supertest from 'supertest';
import { createApp } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import type { CompanionDeps } from '../../../server/deps.ts';
import { createLogger } from '../../../server/logger.ts';
import type { Settings } from '../../../server/services/types.ts';
import { type Companion, wireCompanion } from '../../../server/wiring.ts';
import { type FlavourName, type Simulator, startSimulator } from '../../atlassian-sim/index.ts';
import { POSTGRES_URL } from '../store/databases.ts';

export const DATABASES = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASES)[number];

export const BASE = '/api-token-auth';
export const api = (p: string) => `${BASE}/api/v1${p}`;
export const AUTH_REQUEST = `${BASE}/authz/auth-request`;

export interface AuthRequestOptions {
  method?: string;
  uri?: string;
  /** The client's address, as the proxy passes it on. */
  forwardedFor?: string;
}

/**
 * The question nginx's auth_request asks about a client's request (GET /rest/api/2/myself unless
 * told otherwise), with the client's Authorization value when it sent one.
 */
export function authRequest(
  http: ReturnType<typeof supertest>,
  authorization?: string | string[],
  { method = 'GET', uri = '/rest/api/2/myself', forwardedFor }: AuthRequestOptions = {},
) {
  let req = http.get(AUTH_REQUEST).set('X-Original-Method', method).set('X-Original-URI', uri);
  if (forwardedFor !== undefined) req = req.set('X-Forwarded-For', forwardedFor);
  // An array becomes several header lines (Node's setHeader); the typings only admit a string.
  if (authorization !== undefined) req = req.set('Authorization', authorization as string);
  return req;
}

// The documented defaults, as the API returns them.
export const DEFAULT_SETTINGS = {
  maxValidity: 'never',
  ipAllowlist: [],
  reverseProxy: { enabled: false, trustedProxies: [], clientIpHeader: 'X-Forwarded-For' },
  passwordBasicAuth: true,
  auditAuthentications: false,
  forceReadOnlyScope: false,
  siteCredentialMode: 'site-token',
} satisfies Settings;

/** The defaults, but the site trusts an identity header (a header authenticator) instead of PATs. */
export const IDENTITY_HEADER_SETTINGS = {
  ...DEFAULT_SETTINGS,
  siteCredentialMode: 'identity-header',
} satisfies Settings;
export const DEFAULT_PERMISSIONS = {
  useTokens: { everyone: true, groups: [] },
  createOwnTokens: { everyone: true, groups: [] },
  createTokensForOthers: { everyone: false, groups: [] },
};
export interface TestDatabase {
  url: string;
  sqliteFile?: string;
  drop(): Promise<void>;
}

async function withAdmin(work: (admin: ReturnType<typeof knex>) => Promise<unknown>): Promise<void> {
  const admin = knex({ client: 'pg', connection: POSTGRES_URL, pool: { min: 0, max: 1 } });
  try {
    await work(admin);
  } finally {
    await admin.destroy();
  }
}

// PostgreSQL unreachable → this throws and the suite fails (never skips).
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'ata-api-'));
    const file = path.join(dir, 'companion.sqlite');
    return {
      url: `sqlite://${file}`,
      sqliteFile: file,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `ata_api_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.raw(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => withAdmin((admin) => admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

export interface Harness {
  sim: Simulator;
  app: Koa;
  /** The wired companion, for what it holds beside its deps (the audit mirror). */
  companion: Companion;
  deps: CompanionDeps;
  db: TestDatabase;
  http: ReturnType<typeof supertest>;
  // Every log line the companion wrote, as raw JSON text.
  logs: string[];
  origin: string;
  login(username: string, password?: string): Promise<string>;
  // Stops the simulator early (site-down tests); close() then leaves it alone.
  stopSite(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  db: DatabaseKind;
  flavour?: FlavourName;
  env?: Record<string, string>;
}

/** A debug logger whose every line is kept, as raw JSON text. */
export function keptLogs() {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  return { logs, logger: createLogger({ level: 'debug', destination }) };
}

/** A companion's environment for `sim` and the database at `databaseUrl`: the site admin's PAT is its service credential. */
export const companionEnv = (sim: Simulator, databaseUrl: string): Record<string, string> => ({
  ATA_SITE_URL: sim.baseUrl,
  ATA_DATABASE_URL: databaseUrl,
  ATA_SECRET: randomBytes(32).toString('base64url'),
  ATA_SERVICE_AUTH: `Bearer ${sim.state.createPersonalAccessToken('admin')}`,
  ATA_BASE_PATH: BASE,
  ATA_LOG_LEVEL: 'debug',
});

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const sim = await startSimulator({ flavour: options.flavour ?? 'jira9' });
  const db = await createTestDatabase(options.db);
  const { logs, logger } = keptLogs();
  const config = loadConfig({ ...companionEnv(sim, db.url), ...options.env });
  const companion = await wireCompanion(config, { logger }).catch(async (err: unknown) => {
    // Leave nothing behind when the companion cannot start.
    await sim.close();
    await db.drop();
    throw err;
  });
  const app = createApp(companion.deps);
  const login = async (username: string, password = username) => {
    const loginPath = sim.product === 'jira' ? '/login.jsp' : '/dologin.action';
    const res = await fetch(`${sim.baseUrl}${loginPath}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ os_username: username, os_password: password }),
      redirect: 'manual',
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('JSESSIONID='));
    if (!cookie) throw new Error(`login as ${username} failed: ${res.status}`);
    return cookie.split(';')[0] as string;
  };
  let siteStopped: Promise<void> | undefined;
  const stopSite = () => {
    siteStopped ??= sim.close();
    return siteStopped;
  };
  return {
    sim,
    app,
    companion,
    deps: companion.deps,
    db,
    http: supertest(app.callback()),
    logs,
    origin: new URL(sim.baseUrl).origin,
    login,
    stopSite,
    async close() {
      await companion.shutdown();
      await stopSite();
      await db.drop();
    },
  };
}

// Every row of every table, as text: what an attacker holding a database dump would see.
export async function dumpDatabase(db: TestDatabase): Promise<string> {
  const conn = db.sqliteFile
    ? knex({ client: 'sqlite3', connection: { filename: db.sqliteFile }, useNullAsDefault: true })
    : knex({ client: 'pg', connection: db.url });
  try {
    const tables: string[] = db.sqliteFile
      ? (await conn.raw("select name from sqlite_master where type = 'table'")).map(
          (r: { name: string }) => r.name,
        )
      : (
          await conn.raw(
            "select table_name as name from information_schema.tables where table_schema = 'public'",
          )
        ).rows.map((r: { name: string }) => r.name);
    const rows = await Promise.all(tables.map(async (t) => [t, await conn.select('*').from(t)]));
    return JSON.stringify(rows);
  } finally {
    await conn.destroy();
  }
}

export const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
