// Token validity vocabulary, shared by the companion server and the extension (no Node imports).
// The rule for what a user may choose follows the product's admin guide: with a system maximum M
// other than `never`, M itself plus those of 6 months, 1 year and 2 years that are shorter than M.

export const VALIDITY_OPTIONS = ['P1M', 'P2M', 'P3M', 'P4M', 'P5M', 'P6M', 'P1Y', 'P2Y', 'never'] as const;
export type Validity = (typeof VALIDITY_OPTIONS)[number];

/** Calendar months per option; `never` has none. */
const MONTHS: Record<Validity, number | null> = {
  P1M: 1,
  P2M: 2,
  P3M: 3,
  P4M: 4,
  P5M: 5,
  P6M: 6,
  P1Y: 12,
  P2Y: 24,
  never: null,
};

/** The shorter options offered beside a finite maximum. */
const STANDARD_STEPS: readonly Validity[] = ['P6M', 'P1Y', 'P2Y'];

export const DEFAULT_MAX_VALIDITY: Validity = 'never';

export function isValidity(value: unknown): value is Validity {
  return typeof value === 'string' && (VALIDITY_OPTIONS as readonly string[]).includes(value);
}

/** Months of a validity, or Infinity for `never`: usable for ordering. */
export function validityMonths(validity: Validity): number {
  return MONTHS[validity] ?? Number.POSITIVE_INFINITY;
}

/** The options a user may choose under the given system maximum, shortest first. */
export function allowedValidities(maximum: Validity): Validity[] {
  if (maximum === 'never') return [...VALIDITY_OPTIONS];
  const limit = validityMonths(maximum);
  const shorter = STANDARD_STEPS.filter((option) => validityMonths(option) < limit);
  return [...shorter, maximum];
}

export function isValidityAllowed(validity: Validity, maximum: Validity): boolean {
  return allowedValidities(maximum).includes(validity);
}

/**
 * Adds calendar months in UTC, keeping the time of day; a day that does not exist in the target
 * month is clamped to its last day (31 Jan + 1 month = 28 or 29 Feb).
 */
export function addMonths(from: Date, months: number): Date {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(from.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(
      year,
      month,
      day,
      from.getUTCHours(),
      from.getUTCMinutes(),
      from.getUTCSeconds(),
      from.getUTCMilliseconds(),
    ),
  );
}

/** When a token created at `createdAt` with this validity expires; null for `never`. */
export function expiresAt(createdAt: Date, validity: Validity): Date | null {
  const months = MONTHS[validity];
  return months === null ? null : addMonths(createdAt, months);
}
