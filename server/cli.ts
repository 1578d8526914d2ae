import { type Config, ConfigError, loadConfig, loadDatabaseConfig } from './config.ts';
import { createLogger } from './logger.ts';

// `api-token-auth serve | migrate [--rollback] | --help`. Exit codes: 0 done, 1 failed,
// 2 bad usage or configuration (the message names the variable).

const USAGE = `Usage: api-token-auth <command>

Commands:
  serve                 Start the companion server (needs ATA_SITE_URL).
  migrate               Bring the database schema up to date.
  migrate --rollback    Undo every migration.
  doctor [--json] [--proxy-url URL]
                        Check the set-up (site, service credential, database, key file, clock,
                        audit mirroring; the proxy when given its public URL) and say what fixes
                        each problem. Exit code 0 when nothing failed.

Environment:
  ATA_SITE_URL          Jira or Confluence base URL, context path included (serve).
  ATA_PRODUCT           jira | confluence (detected from the site when unset).
  ATA_DATABASE_URL      sqlite:path.sqlite, sqlite:///abs/path.sqlite or postgres://…
                        (default sqlite:data/api-token-auth.sqlite).
  ATA_LISTEN            host:port to listen on (default 127.0.0.1:8787; [::1]:8787 for IPv6),
                        or unix:/absolute/path for a Unix domain socket (a proxy on this host).
  ATA_BASE_PATH         Path prefix of every route, e.g. /api-token-auth (default none).
  ATA_SERVICE_AUTH      "Bearer <site PAT>" or "Basic <base64>" used to read users and groups.
  ATA_SECRET / ATA_SECRET_FILE
                        Key for token hashes; with SQLite and neither set, a key file is
                        generated beside the database (mode 0600).
  ATA_IDENTITY_HEADER   Header that tells the site who a token belongs to (X-Forwarded-User).
  ATA_ADMIN_GROUPS      Comma-separated groups whose members count as site administrators
                        when looked up by name.
  ATA_ALLOWED_ORIGINS   Extra origins (comma-separated) allowed to call the management API,
                        e.g. a front proxy's origin or chrome-extension://<id>.
  ATA_VALIDATE_SECRET   Shared secret (≥ 32 chars) that switches on POST /api/v1/validate for a
                        plugin inside the site; the endpoint is off without it.
  ATA_LOG_LEVEL         fatal | error | warn | info | debug | trace | silent (default info).
  ATA_REDIS_URL         redis://host:6379 (PostgreSQL only): count failed token attempts of all
                        companions in Redis instead of the database.
  ATA_REDIS_KEY_PREFIX  Prefix of those Redis keys (default api-token-auth:).
  ATA_AUDIT_MIRROR      on | off (default off): also send audit records to the site's own audit
                        log (the service user must be a site administrator).
`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

async function serve(io: CliIo): Promise<number> {
  const config = loadConfig(io.env, { requireSite: true });
  // SQLite: taken before the store opens, so a second companion stops before touching the file.
  const { acquireInstanceLock } = await import('./store/instance-lock.ts');
  const lock =
    config.database.client === 'sqlite' ? await acquireInstanceLock(config.database.filename) : undefined;
  try {
    return await serveUntilStopped(config);
  } finally {
    await lock?.release();
  }
}

async function serveUntilStopped(config: Config): Promise<number> {
  const { startServer } = await import('./app.ts');
  const server = await startServer(config);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        // A second signal means "now": give up on a graceful close.
        resolve(1);
        return;
      }
      stopping = true;
      server.logger.info({ signal }, 'shutting down');
      server.close().then(
        () => resolve(0),
        (err: unknown) => {
          server.logger.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

async function migrate(io: CliIo, rollback: boolean): Promise<number> {
  const config = loadDatabaseConfig(io.env);
  const logger = createLogger({ level: config.logLevel });
  const { createStore } = await import('./store/index.ts');
  const store = createStore(config.database);
  try {
    if (rollback) await store.rollback();
    else await store.migrate();
    logger.info(
      { database: config.database.client, rollback },
      rollback ? 'migrations rolled back' : 'database up to date',
    );
    return 0;
  } finally {
    await store.close();
  }
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.stderr(USAGE);
      return 2;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    if (command === 'serve' && rest.length === 0) return await serve(io);
    if (command === 'doctor') return await (await import('./doctor/doctor.ts')).doctorCommand(rest, io);
    if (command === 'migrate' && (rest.length === 0 || (rest.length === 1 && rest[0] === '--rollback'))) {
      return await migrate(io, rest[0] === '--rollback');
    }
    io.stderr(`api-token-auth: unknown command or option: ${argv.join(' ')}\n\n${USAGE}`);
    return 2;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`api-token-auth: invalid configuration: ${err.message}\n`);
      return 2;
    }
    io.stderr(`api-token-auth: ${(err as Error).message}\n`);
    return 1;
  }
}
