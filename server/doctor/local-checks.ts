import { existsSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { MIN_SECRET_LENGTH } from '../config.ts';
import { connect } from '../store/connection.ts';
import { migrationSource } from '../store/migrations/index.ts';
import { type Check, type CheckOutcome, fail, ok, warn } from './check.ts';
import type { DoctorFacts } from './facts.ts';

// What lives on this host: the database schema and the token-hash key file.
const MIGRATE = 'run api-token-auth migrate (with the same ATA_DATABASE_URL)';

const database: Check<DoctorFacts> = {
  id: 'database',
  title: 'Database migrated',
  async run(f) {
    const config = f.config.database;
    // Never create a database just to look at it.
    if (config.client === 'sqlite' && !existsSync(config.filename))
      return fail(`there is no database at ${config.filename}`, MIGRATE);
    const db = connect(config);
    try {
      const expected = await migrationSource.getMigrations([]);
      const applied: string[] = (await db.schema.hasTable('knex_migrations'))
        ? (await db('knex_migrations').select('name')).map((row: { name: string }) => row.name)
        : [];
      const pending = expected.filter((name) => !applied.includes(name));
      const unknown = applied.filter((name) => !expected.includes(name));
      const where = config.client === 'sqlite' ? `SQLite ${config.filename}` : 'PostgreSQL';
      if (unknown.length > 0) {
        return fail(
          `${where} was migrated by a newer api-token-auth (unknown migrations: ${unknown.join(', ')})`,
          'run the newer version again, or roll the database back with it (api-token-auth migrate --rollback)',
        );
      }
      if (pending.length > 0)
        return fail(
          `${where}: ${pending.length} of ${expected.length} migrations not applied (${pending.join(', ')})`,
          MIGRATE,
        );
      return ok(`${where}: all ${expected.length} migrations applied`);
    } catch (err) {
      return fail(
        `cannot read the database: ${(err as Error).message}`,
        'check ATA_DATABASE_URL and that the database runs',
      );
    } finally {
      await db.destroy();
    }
  },
};

function keyFileOutcome(path: string, origin: 'generated' | 'file', uid: number | undefined): CheckOutcome {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      return fail(`cannot read ${path}: ${(err as Error).message}`, `chmod 600 ${path}`);
    return origin === 'generated'
      ? warn(
          `${path} does not exist yet; serve creates it on first start (tokens hashed with a lost key no longer work)`,
          'run api-token-auth serve once, or restore the key file from the backup that has the database',
        )
      : fail(
          `ATA_SECRET_FILE names ${path}, which does not exist`,
          `set ATA_SECRET_FILE to the key file (at least ${MIN_SECRET_LENGTH} characters of random data)`,
        );
  }
  const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
  // A mounted secret (ATA_SECRET_FILE) may be group-readable by design; a generated key never is.
  const loose = origin === 'generated' ? stat.mode & 0o077 : stat.mode & 0o007;
  if (loose !== 0) {
    const who = stat.mode & 0o007 ? 'every user of this host' : 'its group';
    return fail(
      `${path} has mode ${mode}: ${who} can read the key and test guessed tokens offline`,
      `chmod 600 ${path}`,
    );
  }
  let length = 0;
  try {
    length = readFileSync(path, 'utf8').trim().length;
  } catch (err) {
    return fail(
      `cannot read ${path}: ${(err as Error).message}`,
      `run the doctor as the companion's user, or chown it to that user`,
    );
  }
  if (length < MIN_SECRET_LENGTH)
    return fail(
      `${path} holds ${length} characters; the key needs at least ${MIN_SECRET_LENGTH}`,
      `write at least ${MIN_SECRET_LENGTH} random characters into ${path}`,
    );
  if (uid !== undefined && stat.uid !== uid) {
    return warn(
      `${path} (mode ${mode}) belongs to uid ${stat.uid}, not to ${userInfo().username} (uid ${uid}) who runs this check`,
      `chown <the companion's user> ${path} (fine as it is if the companion runs as uid ${stat.uid})`,
    );
  }
  return ok(`${path}: mode ${mode}, owned by ${userInfo().username}`);
}

const keyFile: Check<DoctorFacts> = {
  id: 'key-file',
  title: 'Token-hash key',
  async run(f) {
    const secret = f.config.secret;
    if (secret.kind === 'value') return ok('from ATA_SECRET (no key file)');
    return keyFileOutcome(secret.path, secret.kind, f.uid);
  },
};

export const localChecks = [database, keyFile];
