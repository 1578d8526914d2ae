import type { Timers } from '../../server/timers.ts';

interface Scheduled {
  run: () => void;
  ms: number;
}

/**
 * Timers that run only when the test says so: delays and periods are read, never slept.
 * Timeouts and intervals are kept apart, as a clear of one never cancels the other.
 */
export function manualTimers() {
  const timeouts = new Map<number, Scheduled>();
  const intervals = new Map<number, Scheduled>();
  let next = 0;
  const timers: Timers = {
    setTimeout: (run, ms) => {
      timeouts.set(++next, { run, ms });
      return next;
    },
    clearTimeout: (handle) => timeouts.delete(handle as number),
    setInterval: (run, ms) => {
      intervals.set(++next, { run, ms });
      return next;
    },
    clearInterval: (handle) => intervals.delete(handle as number),
  };
  return {
    timers,
    /** The delays of the timeouts still pending. */
    waiting: () => [...timeouts.values()].map((t) => t.ms),
    /** Runs every pending timeout once, as each would fire once; returns their delays. */
    fire: () => {
      const due = [...timeouts.values()];
      timeouts.clear();
      for (const { run } of due) run();
      return due.map((t) => t.ms);
    },
    /** The intervals not cleared yet. */
    intervals: () => [...intervals.values()],
    /** One period passes: every interval not cleared runs once. */
    tick: () => {
      for (const { run } of [...intervals.values()]) run();
    },
  };
}
