// Records and reads the append-only audit trail; exports stream it (CSV or JSON Lines) in
// keyset-paginated batches, so rows appended during an export neither repeat nor shift it.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Repositories, Store } from '../store/index.ts';
import type { AuditFilter, AuditRecord, NewAuditRecord, Page, PageOf } from './types.ts';

export interface AuditServiceDeps {
  store: Store;
  clock: () => Date;
}

export const AUDIT_COLUMNS = [
  'id',
  'at',
  'actor',
  'action',
  'subjectUser',
  'tokenId',
  'tokenName',
  'remoteIp',
  'details',
] as const;

// Spreadsheets execute cells starting with = + - @ (CSV injection); a leading quote disarms them.
function safeCell(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * Told of records once they are appended (server/audit-mirror/); must not throw or wait.
 * `committed` is false for a record appended inside a caller's transaction, which may still roll
 * back after it (the settings save caps tokens after its record): check the store before acting.
 */
export type AuditListener = (records: ReadonlyArray<Omit<AuditRecord, 'id'>>, committed: boolean) => void;

export class AuditService {
  readonly #listeners: AuditListener[] = [];

  constructor(private readonly deps: AuditServiceDeps) {}

  /** Calls `listener` with the records appended from now on; returns the function that stops it. */
  onRecorded(listener: AuditListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  #told(records: ReadonlyArray<Omit<AuditRecord, 'id'>>, committed: boolean): void {
    for (const listener of this.#listeners) listener(records, committed);
  }

  /** Appends a record stamped with the service clock; pass `repos` to join a caller's transaction. */
  async record(entry: NewAuditRecord, repos: Repositories = this.deps.store): Promise<void> {
    const record = this.#complete(entry, this.deps.clock());
    await repos.audit.append(record);
    this.#told([record], repos === this.deps.store);
  }

  /**
   * Appends records collected earlier, each stamped with the time it happened (`at`), all in one
   * transaction: what the validation plane's batches use.
   */
  async recordMany(entries: ReadonlyArray<NewAuditRecord & { at: Date }>): Promise<void> {
    const records = entries.map((entry) => this.#complete(entry, entry.at));
    await this.deps.store.audit.appendMany(records);
    this.#told(records, true);
  }

  #complete(entry: NewAuditRecord, at: Date): Omit<AuditRecord, 'id'> {
    return {
      at,
      actor: entry.actor,
      action: entry.action,
      subjectUser: entry.subjectUser ?? null,
      tokenId: entry.tokenId ?? null,
      tokenName: entry.tokenName ?? null,
      remoteIp: entry.remoteIp ?? null,
      details: entry.details ?? null,
    };
  }

  /** Newest first. */
  list(filter: AuditFilter, page: Page): Promise<PageOf<AuditRecord>> {
    return this.deps.store.audit.search(filter, page);
  }

  /** Oldest first, one CSV row per record with a header line. */
  exportCsv(filter: AuditFilter): Readable {
    const store = this.deps.store;
    const rows = async function* () {
      for await (const record of store.audit.iterate(filter))
        yield AUDIT_COLUMNS.map((c) => safeCell(record[c]));
    };
    const csv = stringify({ header: true, columns: [...AUDIT_COLUMNS] });
    const source = Readable.from(rows());
    source.on('error', (err) => csv.destroy(err));
    return source.pipe(csv);
  }

  /** Oldest first, one JSON object per line. */
  exportJsonLines(filter: AuditFilter): Readable {
    const store = this.deps.store;
    return Readable.from(
      (async function* () {
        for await (const record of store.audit.iterate(filter)) yield `${JSON.stringify(record)}\n`;
      })(),
    );
  }
}
