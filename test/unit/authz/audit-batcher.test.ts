import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AuditBatcher, type TimedAuditRecord } from '../../../server/authz/audit-batcher.ts';
import { manualTimers } from '../../support/manual-timers.ts';

const record = (i: number): TimedAuditRecord => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)),
  actor: `user${i}`,
  action: 'auth.failed',
  remoteIp: '192.0.2.1',
  details: { reason: 'invalid-token' },
});

function setup(options: { batchSize?: number; maxQueued?: number; maxDelayMs?: number } = {}) {
  const manual = manualTimers();
  const batches: TimedAuditRecord[][] = [];
  const logged: Array<Record<string, unknown>> = [];
  let release: (() => void) | undefined;
  let hold = false;
  const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const batcher = new AuditBatcher({
    write: async (records) => {
      batches.push(records);
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      if (records.some((r) => r.actor === 'poison')) throw new Error('database is locked');
    },
    logger,
    timers: manual.timers,
    ...options,
  });
  return {
    fire: manual.fire,
    batcher,
    batches,
    logged,
    hold: () => {
      hold = true;
    },
    release: () => {
      hold = false;
      release?.();
    },
  };
}

describe('AuditBatcher', () => {
  it('writes records in order, in full batches, one write at a time', async () => {
    const { batcher, batches, hold, release } = setup({ batchSize: 3 });
    hold();
    for (let i = 0; i < 7; i++) batcher.add(record(i));
    // The first full batch went out; the rest waits for it, whatever its size.
    expect(batches.map((b) => b.length)).toEqual([3]);
    expect(batcher.queued).toBe(4);
    release();
    await batcher.flush();
    expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(batches.flat().map((r) => r.actor)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `user${i}`));
  });

  it('writes a partial batch after maxDelayMs without being asked', async () => {
    const { batcher, batches, fire } = setup({ batchSize: 100, maxDelayMs: 20 });
    batcher.add(record(1));
    expect(batches).toEqual([]);
    // The batcher's own timer, 20 ms: fired by hand.
    expect(fire()).toEqual([20]);
    // Written when the timer fired, not by the flush.
    expect(batches.map((b) => b.length)).toEqual([1]);
    await batcher.flush();
    expect(batches.map((b) => b.length)).toEqual([1]);
  });

  it('drops what exceeds maxQueued while the store lags, and logs how many as an error', async () => {
    const { batcher, batches, logged, hold, release } = setup({ batchSize: 2, maxQueued: 4 });
    hold();
    for (let i = 0; i < 10; i++) batcher.add(record(i));
    // Two are being written, four wait: the other four were dropped.
    expect(batcher.queued).toBe(4);
    release();
    await batcher.flush();
    expect(batches.flat().map((r) => r.actor)).toEqual([
      'user0',
      'user1',
      'user2',
      'user3',
      'user4',
      'user5',
    ]);
    const notices = logged.filter((line) => line.event === 'audit.dropped');
    // Told at the first drop, and the rest when flushed (within the minute).
    expect(notices.map((n) => n.dropped)).toEqual([1, 3]);
    expect(notices[0]).toMatchObject({ level: 50, since: record(6).at.toISOString(), maxQueued: 4 });
  });

  it('logs a failed write and goes on with the next batch', async () => {
    const { batcher, batches, logged } = setup({ batchSize: 2 });
    batcher.add({ ...record(0), actor: 'poison' });
    batcher.add(record(1));
    batcher.add(record(2));
    await batcher.flush();
    expect(batches.map((b) => b.map((r) => r.actor))).toEqual([['poison', 'user1'], ['user2']]);
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 50, event: 'audit.write_failed', records: 2 }),
    );
  });
});
