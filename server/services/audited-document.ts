// One stored JSON document (the settings, the permissions): read through a short cache, because the
// validation plane reads it on every request, and saved together with its before/after audit record
// in one transaction. Defaults and normalisation belong to the service that owns the document.
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { AuditService } from './audit-service.ts';
import { CachedValue } from './cached-value.ts';
import type { RequestContext } from './types.ts';

export interface AuditedDocumentDeps {
  store: Store;
  clock: () => Date;
  logger: Logger;
  audit: AuditService;
  cacheMs?: number;
}

export class AuditedDocument<T> {
  private readonly current: CachedValue<T>;

  constructor(
    private readonly deps: AuditedDocumentDeps,
    private readonly kind: 'settings' | 'permissions',
    /** Turns whatever is stored (nothing, or a document of an older version) into a whole document. */
    private readonly normalise: (stored: unknown) => T,
  ) {
    const load = () => deps.store[kind].get().then((row) => normalise(row?.document));
    this.current = new CachedValue(load, deps.clock, deps.cacheMs ?? 5_000);
  }

  get(): Promise<T> {
    return this.current.get();
  }

  /** Saves the whole document, normalised, audited with before and after; returns both. */
  async save(next: T, ctx: RequestContext): Promise<{ before: T; after: T }> {
    const before = await this.get();
    const after = this.normalise(next);
    const at = this.deps.clock();
    await this.deps.store.transaction(async (repos) => {
      await repos[this.kind].put(after, ctx.actor.toLowerCase(), at);
      await this.deps.audit.record(
        {
          actor: ctx.actor,
          action: `${this.kind}.changed`,
          remoteIp: ctx.remoteIp,
          details: { before, after },
        },
        repos,
      );
    });
    this.current.set(after);
    this.deps.logger.info({ actor: ctx.actor }, `${this.kind} changed`);
    return { before, after };
  }
}
