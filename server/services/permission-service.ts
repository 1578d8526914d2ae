// The three token permissions: one stored document (defaults in code), audited on change, read
// through a short cache because the validation plane evaluates them on every token request.
import type { Logger } from 'pino';
import {
  defaultPermissions,
  evaluatePermissions,
  PERMISSION_NAMES,
  type PermissionGrant,
  type PermissionSet,
  type PermissionSubject,
  type PermissionsDocument,
} from '../../shared/permissions.ts';
import type { Store } from '../store/index.ts';
import type { AuditService } from './audit-service.ts';
import { CachedValue } from './cached-value.ts';
import type { ServiceEvents } from './events.ts';
import type { RequestContext } from './types.ts';

/** Known permissions only, groups trimmed and de-duplicated (case-insensitively, first spelling kept). */
function normalise(stored: unknown): PermissionsDocument {
  const doc = defaultPermissions();
  const source = (
    typeof stored === 'object' && stored !== null ? stored : {}
  ) as Partial<PermissionsDocument>;
  for (const name of PERMISSION_NAMES) {
    const grant: Partial<PermissionGrant> = source[name] ?? {};
    const groups: string[] = [];
    for (const raw of grant.groups ?? []) {
      const group = raw.trim();
      if (group && !groups.some((g) => g.toLowerCase() === group.toLowerCase())) groups.push(group);
    }
    doc[name] = {
      everyone: grant.everyone ?? doc[name].everyone,
      groups: grant.groups ? groups : doc[name].groups,
    };
  }
  return doc;
}

export interface PermissionServiceDeps {
  store: Store;
  clock: () => Date;
  logger: Logger;
  events: ServiceEvents;
  audit: AuditService;
  cacheMs?: number;
}

export class PermissionService {
  private readonly current: CachedValue<PermissionsDocument>;

  constructor(private readonly deps: PermissionServiceDeps) {
    const load = () => deps.store.permissions.get().then((row) => normalise(row?.document));
    this.current = new CachedValue(load, deps.clock, deps.cacheMs ?? 5_000);
  }

  get(): Promise<PermissionsDocument> {
    return this.current.get();
  }

  /** What a user holds; site administrators hold everything. */
  async evaluate(subject: PermissionSubject): Promise<PermissionSet> {
    return evaluatePermissions(await this.get(), subject);
  }

  /** Saves the whole document (audited with before and after) and returns it as stored. */
  async update(next: PermissionsDocument, ctx: RequestContext): Promise<PermissionsDocument> {
    const before = await this.get();
    const permissions = normalise(next);
    const at = this.deps.clock();
    await this.deps.store.transaction(async (repos) => {
      await repos.permissions.put(permissions, ctx.actor.toLowerCase(), at);
      await this.deps.audit.record(
        {
          actor: ctx.actor,
          action: 'permissions.changed',
          remoteIp: ctx.remoteIp,
          details: { before, after: permissions },
        },
        repos,
      );
    });
    this.current.set(permissions);
    this.deps.logger.info({ actor: ctx.actor }, 'permissions changed');
    this.deps.events.emit('permissions.changed', { permissions });
    return permissions;
  }
}
