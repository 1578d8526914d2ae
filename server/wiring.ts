import type { Logger } from 'pino';
import { AuditMirror, storedIn } from './audit-mirror/audit-mirror.ts';
import { AuthzService } from './authz/authz-service.ts';
import { tokenPaths } from './authz/paths.ts';
import { startCluster } from './cluster/index.ts';
import { adminGroupsFor, type Config, ConfigError } from './config.ts';
import type { CompanionDeps } from './deps.ts';
import { createDirectory, createSiteClient, detectProduct } from './directory/index.ts';
import { batchedDestination } from './log-destination.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics/index.ts';
import { createServices } from './services/index.ts';
import { loadSecretKey } from './services/secret-key.ts';
import { SiteCredentialService } from './site-credentials/site-credential-service.ts';
import { sitePats } from './site-credentials/site-pats.ts';
import { createStore, type Store } from './store/index.ts';
import type { Timers } from './timers.ts';
import { WebhookService } from './webhooks/webhook-service.ts';

// Builds everything the app needs from the configuration: logger, store (migrated), key, services,
// directory, and the shutdown hooks. Tests call this directly and drive createApp with supertest.

export interface CompanionOverrides {
  logger?: Logger;
  clock?: () => Date;
  fetch?: typeof fetch;
  random?: (n: number) => Buffer;
  /** The batchers' and summaries' timers (server/timers.ts); tests drive them by hand. */
  timers?: Timers;
  /** How long site lookups are reused (at most 30 s, the default); the benchmark measures misses with 0. */
  directoryTtlMs?: number;
  // Time a request to the site may take before it counts as unreachable.
  siteTimeoutMs?: number;
}

export interface Companion {
  deps: CompanionDeps;
  store: Store;
  /** Copies audit records into the site's audit log; undefined unless ATA_AUDIT_MIRROR=on. */
  auditMirror: AuditMirror | undefined;
  // Runs the registered hooks (newest first), then closes the database.
  shutdown(): Promise<void>;
}

function secretKey(config: Config, random?: (n: number) => Buffer): Buffer {
  try {
    return loadSecretKey(config.secret, random);
  } catch (err) {
    const variable =
      config.secret.kind === 'value'
        ? 'ATA_SECRET'
        : config.secret.kind === 'file'
          ? 'ATA_SECRET_FILE'
          : 'ATA_DATABASE_URL';
    throw new ConfigError(variable, (err as Error).message);
  }
}

/**
 * Log lines to stdout in batches (server/log-destination.ts): a write per line cost the
 * validation plane more than deciding did. What is buffered is written when the process exits,
 * however it exits, and by close().
 */
function batchedStdout() {
  const destination = batchedDestination({ fd: 1 });
  const onExit = () => destination.flushSync();
  process.once('exit', onExit);
  return {
    destination,
    close() {
      process.off('exit', onExit);
      destination.close();
    },
  };
}

export async function wireCompanion(config: Config, overrides: CompanionOverrides = {}): Promise<Companion> {
  const output = overrides.logger ? undefined : batchedStdout();
  const logger =
    overrides.logger ?? createLogger({ level: config.logLevel, destination: output?.destination });
  const clock = overrides.clock ?? (() => new Date());
  const site = createSiteClient({
    siteUrl: config.siteUrl,
    fetch: overrides.fetch,
    timeoutMs: overrides.siteTimeoutMs,
  });
  const product = config.product ?? (await detectProduct(site));
  const store = createStore(config.database, { logger });
  const hooks: Array<() => Promise<void>> = [];
  try {
    await store.migrate();
    const key = secretKey(config, overrides.random);
    // Its own registry per companion, so several in one process (the tests) never collide.
    const metrics = createMetrics({ listens: config.database.client === 'pg' });
    const directory = createDirectory({
      site,
      product,
      serviceAuth: config.serviceAuth,
      adminGroups: adminGroupsFor(config, product),
      clock,
      observer: metrics,
      ttlMs: overrides.directoryTtlMs,
    });
    const services = createServices({ store, key, logger, clock, random: overrides.random, directory });
    // PostgreSQL: the companions on the database hear each other's changes and share one throttle.
    const cluster =
      config.database.client === 'pg'
        ? await startCluster({
            connectionString: config.database.connectionString,
            redis: config.redis,
            logger,
          })
        : undefined;
    if (cluster) hooks.push(() => cluster.close());
    // Registered before the validation plane's hook, so it runs after it: that hook flushes the
    // authentication records the mirror still has to send.
    const auditMirror = config.auditMirror
      ? new AuditMirror({
          site,
          product,
          serviceAuth: config.serviceAuth,
          logger,
          timers: overrides.timers,
          isStored: storedIn(services.audit),
        })
      : undefined;
    if (auditMirror) {
      services.audit.onRecorded(auditMirror.add);
      hooks.push(() => auditMirror.close());
    }
    const siteCredentials = new SiteCredentialService({
      store,
      pats: sitePats(site),
      logger,
      clock,
      serviceAuthorization: config.serviceAuth,
    });
    // A PAT nobody can open any more is deleted on the site (with the service credential, when it
    // is an administrator's; otherwise at the owner's next visit).
    const onDeleted = () =>
      void siteCredentials
        .tokensDeleted()
        .catch((err) => logger.warn({ err }, 'could not delete unused site credentials'));
    services.events.on('token.deleted', onDeleted);
    hooks.push(async () => void services.events.off('token.deleted', onDeleted));
    const webhooks = new WebhookService({
      ...services,
      store,
      key,
      logger,
      clock,
      site: config.siteUrl,
      timers: overrides.timers,
      random: overrides.random,
    });
    webhooks.start();
    hooks.push(() => webhooks.close());
    const authz = new AuthzService({
      ...services,
      directory,
      siteCredentials,
      logger,
      clock,
      timers: overrides.timers,
      tokenPathAllowed: tokenPaths(product, new URL(config.siteUrl).pathname),
      observer: metrics,
      throttle: cluster?.throttle,
    });
    cluster?.attach({ ...services, authz, onLag: (ms) => metrics.notificationLag(ms / 1000) });
    hooks.push(() => authz.close());
    metrics.track({
      pool: () => store.poolStats(),
      blocks: () => authz.throttle.list(),
      auditQueued: () => authz.auditQueued,
      listening: () => cluster?.listening ?? false,
    });
    const deps: CompanionDeps = {
      config,
      product,
      logger,
      clock,
      directory,
      ...services,
      authz,
      metrics,
      cluster,
      siteCredentials,
      webhooks,
      checkDatabase: () => store.ping(),
      onClose: (hook) => hooks.push(hook),
    };
    let done: Promise<void> | undefined;
    const shutdown = () => {
      done ??= (async () => {
        for (const hook of hooks.splice(0).reverse()) {
          try {
            await hook();
          } catch (err) {
            logger.error({ err }, 'shutdown hook failed');
          }
        }
        await store.close();
        output?.close();
      })();
      return done;
    };
    return { deps, store, auditMirror, shutdown };
  } catch (err) {
    // What was started before the failure (the cluster's connections, timers) stops too.
    for (const hook of hooks.splice(0).reverse()) await hook().catch(() => undefined);
    await store.close();
    throw err;
  }
}
