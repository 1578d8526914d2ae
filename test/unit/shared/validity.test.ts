import { describe, expect, it } from 'vitest';
import {
  addMonths,
  allowedValidities,
  expiresAt,
  isValidity,
  isValidityAllowed,
  VALIDITY_OPTIONS,
  type Validity,
} from '../../../shared/validity.ts';

describe('validity options under a system maximum', () => {
  it.each<[Validity, Validity[]]>([
    ['P1M', ['P1M']],
    ['P2M', ['P2M']],
    ['P3M', ['P3M']],
    ['P4M', ['P4M']],
    ['P5M', ['P5M']],
    ['P6M', ['P6M']],
    ['P1Y', ['P6M', 'P1Y']],
    ['P2Y', ['P6M', 'P1Y', 'P2Y']],
    ['never', ['P1M', 'P2M', 'P3M', 'P4M', 'P5M', 'P6M', 'P1Y', 'P2Y', 'never']],
  ])('maximum %s allows %j', (maximum, allowed) => {
    expect(allowedValidities(maximum)).toEqual(allowed);
    for (const option of VALIDITY_OPTIONS) {
      expect(isValidityAllowed(option, maximum)).toBe(allowed.includes(option));
    }
  });

  it('recognises exactly the nine options', () => {
    expect(VALIDITY_OPTIONS).toHaveLength(9);
    for (const option of VALIDITY_OPTIONS) expect(isValidity(option)).toBe(true);
    for (const other of ['P0M', 'P7M', 'P3Y', 'p1m', 'NEVER', '', null, 6])
      expect(isValidity(other)).toBe(false);
  });
});

describe('calendar-month expiry', () => {
  const at = (iso: string) => new Date(iso);

  it.each<[string, Validity, string | null]>([
    ['2026-01-31T10:15:30.250Z', 'P1M', '2026-02-28T10:15:30.250Z'],
    ['2028-01-31T00:00:00.000Z', 'P1M', '2028-02-29T00:00:00.000Z'],
    ['2026-03-31T23:59:59.999Z', 'P1M', '2026-04-30T23:59:59.999Z'],
    ['2026-08-31T12:00:00.000Z', 'P6M', '2027-02-28T12:00:00.000Z'],
    ['2026-10-31T12:00:00.000Z', 'P4M', '2027-02-28T12:00:00.000Z'],
    ['2026-11-30T08:00:00.000Z', 'P3M', '2027-02-28T08:00:00.000Z'],
    ['2028-02-29T09:00:00.000Z', 'P1Y', '2029-02-28T09:00:00.000Z'],
    ['2028-02-29T09:00:00.000Z', 'P2Y', '2030-02-28T09:00:00.000Z'],
    ['2026-05-15T09:00:00.000Z', 'P2M', '2026-07-15T09:00:00.000Z'],
    ['2026-12-31T09:00:00.000Z', 'P5M', '2027-05-31T09:00:00.000Z'],
    ['2026-05-15T09:00:00.000Z', 'never', null],
  ])('%s + %s = %s', (created, validity, expected) => {
    expect(expiresAt(at(created), validity)?.toISOString() ?? null).toBe(expected);
  });

  it('does not change the date it starts from', () => {
    const start = at('2026-01-31T00:00:00.000Z');
    addMonths(start, 1);
    expect(start.toISOString()).toBe('2026-01-31T00:00:00.000Z');
  });
});
