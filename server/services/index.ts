// Builds the four services over one store, one clock, one random source and one event emitter.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Directory } from '../directory/index.ts';
import type { Store } from '../store/index.ts';
import { AuditService } from './audit-service.ts';
import { createServiceEvents, type ServiceEvents } from './events.ts';
import { PermissionService } from './permission-service.ts';
import { SettingsService } from './settings-service.ts';
import { TokenService } from './token-service.ts';

export interface ServiceDeps {
  store: Store;
  key: Buffer;
  logger: Logger;
  clock?: () => Date;
  random?: (n: number) => Buffer;
  events?: ServiceEvents;
  /** How long settings and permissions read from the store are reused (default 5 s). */
  cacheMs?: number;
  /** The site, for the rules that ask it: unknown groups, the user a token is created for. */
  directory?: SiteLookups;
}

export type SiteLookups = Pick<Directory, 'groupExists' | 'lookupUser'>;

export interface Services {
  events: ServiceEvents;
  audit: AuditService;
  settings: SettingsService;
  permissions: PermissionService;
  tokens: TokenService;
}

export function createServices(deps: ServiceDeps): Services {
  const clock = deps.clock ?? (() => new Date());
  const events = deps.events ?? createServiceEvents();
  const common = { store: deps.store, clock, logger: deps.logger, events, cacheMs: deps.cacheMs };
  const site = deps.directory;
  const audit = new AuditService({ store: deps.store, clock });
  const settings = new SettingsService({ ...common, audit });
  const permissions = new PermissionService({ ...common, audit, site });
  const tokens = new TokenService({
    ...common,
    key: deps.key,
    random: deps.random ?? randomBytes,
    audit,
    settings,
    site,
  });
  return { events, audit, settings, permissions, tokens };
}
