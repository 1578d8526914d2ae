import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  OTHER_KEYS,
  RefusalSummaries,
  type RefusalSummary,
} from '../../../server/authz/refusal-summaries.ts';
import { manualTimers } from '../../support/manual-timers.ts';

function setup(maxKeys?: number, fullPerInterval?: number) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const logged: Array<Record<string, unknown>> = [];
  const summaries: RefusalSummary[] = [];
  const manual = manualTimers();
  const refusals = new RefusalSummaries({
    logger: pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) }),
    clock: () => new Date(now),
    timers: manual.timers,
    event: 'auth.throttled',
    message: 'throttled token attempts refused',
    onSummary: (summary) => summaries.push(summary),
    ...(maxKeys === undefined ? {} : { maxKeys }),
    ...(fullPerInterval === undefined ? {} : { fullPerInterval }),
  });
  return { refusals, logged, summaries, advance: (ms: number) => (now += ms), ...manual };
}

describe('RefusalSummaries', () => {
  it('reports a few refusals per key in full when asked to, then counts, on its own timer', () => {
    const { refusals, summaries, tick, intervals } = setup(undefined, 3);
    const full = Array.from({ length: 10 }, () => refusals.note('prefix', '198.51.100.0/24', true));
    expect(full).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(intervals()).toHaveLength(1);
    tick();
    expect(summaries).toEqual([expect.objectContaining({ kind: 'prefix', refused: 7, audit: true })]);
    // The next interval starts with the count carried on, not with three more in full.
    expect(refusals.note('prefix', '198.51.100.0/24', true)).toBe(false);
    tick();
    tick();
    expect(intervals()).toHaveLength(0);
    refusals.close();
  });

  it('lets the first refusal of a key through in full and counts the rest into one summary', () => {
    const { refusals, logged, summaries, advance } = setup();
    expect(refusals.note('address', '192.0.2.1', false)).toBe(true);
    for (let i = 0; i < 500; i++) expect(refusals.note('address', '192.0.2.1', i === 7)).toBe(false);
    expect(refusals.note('user', 'alice', false)).toBe(true);
    advance(60_000);
    refusals.report();
    expect(logged).toEqual([
      expect.objectContaining({
        level: 30,
        event: 'auth.throttled',
        kind: 'address',
        key: '192.0.2.1',
        refused: 500,
        since: '2026-01-01T00:00:00.000Z',
        until: '2026-01-01T00:01:00.000Z',
      }),
    ]);
    // Auditing was on for one of the counted refusals: the summary is audited.
    expect(summaries).toEqual([expect.objectContaining({ key: '192.0.2.1', refused: 500, audit: true })]);
    refusals.close();
  });

  it('counts on across intervals, and starts over in full after a quiet one', () => {
    const { refusals, summaries } = setup();
    refusals.note('address', '192.0.2.1', false);
    refusals.note('address', '192.0.2.1', false);
    refusals.report();
    expect(refusals.note('address', '192.0.2.1', false)).toBe(false);
    refusals.report();
    refusals.report();
    expect(refusals.note('address', '192.0.2.1', false)).toBe(true);
    expect(summaries.map((s) => s.refused)).toEqual([1, 1]);
    refusals.close();
  });

  it('counts the refusals of keys beyond maxKeys together', () => {
    const { refusals, summaries } = setup(2);
    expect(refusals.note('address', '192.0.2.1', false)).toBe(true);
    expect(refusals.note('address', '192.0.2.2', false)).toBe(true);
    for (let i = 3; i < 10; i++) expect(refusals.note('address', `192.0.2.${i}`, false)).toBe(false);
    refusals.close();
    expect(summaries).toEqual([expect.objectContaining({ key: OTHER_KEYS, refused: 7 })]);
  });
});
