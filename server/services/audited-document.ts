// One stored JSON document (the settings, the permissions): read through a short cache, because the
// validation plane reads it on every request, and saved together with its before/after audit record
// in one transaction. The document's shape is its zod schema in shared/api.ts, and what is read
// from the store is parsed through it: a document that fails is corrupted, never half-used.
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Repositories, Store } from '../store/index.ts';
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

export interface DocumentSpec<T> {
  kind: 'settings' | 'permissions';
  schema: z.ZodType<T>;
  defaults: () => T;
  /** Tidies a valid document (e.g. drops repeated groups); identity when left out. */
  tidy?: (doc: T) => T;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The known fields of `stored`, each missing one taken from `defaults` (a document written by an
 * older version), fields the defaults do not have dropped (one written by a newer version).
 * Anything else, such as a wrong type, is left for the schema to refuse.
 */
function overDefaults(stored: unknown, defaults: unknown): unknown {
  if (!isPlainObject(defaults) || !isPlainObject(stored)) return stored === undefined ? defaults : stored;
  return Object.fromEntries(Object.keys(defaults).map((k) => [k, overDefaults(stored[k], defaults[k])]));
}

/** The stored document fails its schema: 503, and every reader refuses until an admin saves it again. */
export class CorruptDocumentError extends AppError {
  constructor(kind: string) {
    super(
      503,
      'stored_document_invalid',
      `The stored ${kind} are invalid, so nothing that depends on them is allowed. An administrator must save the ${kind} again.`,
    );
  }
}

export class AuditedDocument<T> {
  private readonly current: CachedValue<T>;

  constructor(
    private readonly deps: AuditedDocumentDeps,
    private readonly spec: DocumentSpec<T>,
  ) {
    this.current = new CachedValue(() => this.load(), deps.clock, deps.cacheMs ?? 5_000);
  }

  private async load(): Promise<T> {
    const row = await this.deps.store[this.spec.kind].get();
    if (row === null) return this.spec.defaults();
    const parsed = this.spec.schema.safeParse(overDefaults(row.document, this.spec.defaults()));
    if (parsed.success) return this.tidy(parsed.data);
    // The details (which field, what is wrong) go to the log only: they may name addresses.
    this.deps.logger.error(
      { document: this.spec.kind, updatedBy: row.updatedBy, issues: parsed.error.issues.slice(0, 10) },
      `stored ${this.spec.kind} document is invalid`,
    );
    throw new CorruptDocumentError(this.spec.kind);
  }

  private tidy(doc: T): T {
    return this.spec.tidy ? this.spec.tidy(doc) : doc;
  }

  get(): Promise<T> {
    return this.current.get();
  }

  /** The next get() reads the store (another companion saved the document: server/cluster). */
  invalidate(): void {
    this.current.invalidate();
  }

  /**
   * Saves the whole document, audited with before and after, and runs `alongside` in the same
   * transaction: all of it is written, or none. A corrupted stored document may be overwritten
   * (its `before` is null): saving is how an administrator repairs it.
   */
  async save<R = undefined>(
    next: T,
    ctx: RequestContext,
    alongside?: (repos: Repositories, after: T) => Promise<R>,
  ): Promise<{ before: T | null; after: T; extra: R | undefined }> {
    const before = await this.get().catch((err: unknown) => {
      if (err instanceof CorruptDocumentError) return null;
      throw err;
    });
    const after = this.tidy(this.spec.schema.parse(overDefaults(next, this.spec.defaults())));
    const at = this.deps.clock();
    const extra = await this.deps.store.transaction(async (repos) => {
      await repos[this.spec.kind].put(after, ctx.actor.toLowerCase(), at);
      await this.deps.audit.record(
        {
          actor: ctx.actor,
          action: `${this.spec.kind}.changed`,
          remoteIp: ctx.remoteIp,
          details: { before, after },
        },
        repos,
      );
      return alongside ? alongside(repos, after) : undefined;
    });
    this.current.set(after);
    this.deps.logger.info({ actor: ctx.actor }, `${this.spec.kind} changed`);
    return { before, after, extra };
  }
}
