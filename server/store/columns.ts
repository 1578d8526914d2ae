// Column conversions shared by every table: timestamps are epoch milliseconds (PostgreSQL returns
// bigint as a string, SQLite as a number), lists and documents are JSON text.
import type { Knex } from 'knex';

export function toMillis(date: Date): number;
export function toMillis(date: Date | null): number | null;
export function toMillis(date: Date | null): number | null {
  return date === null ? null : date.getTime();
}

export function fromMillis(value: unknown): Date {
  return new Date(Number(value));
}

export function fromMillisOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : fromMillis(value);
}

/** Inclusive-from, exclusive-to range on a millisecond column; open ends are skipped. */
export function whereBetween(query: Knex.QueryBuilder, column: string, from?: Date, to?: Date): void {
  if (from) query.where(column, '>=', from.getTime());
  if (to) query.where(column, '<', to.getTime());
}

/** Case-insensitive substring match that treats % and _ in the needle literally, on both databases. */
export function whereContains(query: Knex.QueryBuilder, column: string, needle: string): void {
  const escaped = needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  query.whereRaw(`lower(??) like ? escape '\\'`, [column, `%${escaped}%`]);
}

/** Total count of a filtered query, as a number on both databases. */
export async function countOf(query: Knex.QueryBuilder): Promise<number> {
  const row = (await query.clone().clearSelect().clearOrder().count({ n: '*' }).first()) as
    | { n: number | string }
    | undefined;
  return Number(row?.n ?? 0);
}
