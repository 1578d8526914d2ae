import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LastUsedBatcher } from '../../../server/authz/last-used.ts';

function recorder() {
  const writes: Array<{ id: string; ip: string | null; at: string }> = [];
  let written: () => void = () => {};
  const batcher = (intervalMs: number) =>
    new LastUsedBatcher({
      record: async (id, ip, at) => {
        writes.push({ id, ip, at: at.toISOString() });
        written();
      },
      logger: pino({ level: 'silent' }),
      intervalMs,
    });
  const nextWrite = () =>
    new Promise<void>((resolve) => {
      written = resolve;
    });
  return { writes, batcher, nextWrite };
}

describe('LastUsedBatcher', () => {
  it('writes only the latest use of each token, once per batch', async () => {
    const { writes, batcher } = recorder();
    const uses = batcher(60_000);
    for (let i = 0; i < 1000; i++)
      uses.note('t1', `192.0.2.${i % 250}`, new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)));
    uses.note('t2', null, new Date('2026-01-01T00:00:30Z'));
    expect(uses.pendingCount).toBe(2);
    await uses.flush();
    expect(writes).toEqual([
      { id: 't1', ip: '192.0.2.249', at: '2026-01-01T00:00:39.000Z' },
      { id: 't2', ip: null, at: '2026-01-01T00:00:30.000Z' },
    ]);
    await uses.flush();
    expect(writes).toHaveLength(2);
  });

  it('flushes by itself when the interval has passed', async () => {
    const { writes, batcher, nextWrite } = recorder();
    const uses = batcher(20);
    const written = nextWrite();
    uses.note('t1', '192.0.2.1', new Date('2026-01-01T00:00:00Z'));
    await written;
    expect(writes).toEqual([{ id: 't1', ip: '192.0.2.1', at: '2026-01-01T00:00:00.000Z' }]);
    await uses.close();
  });

  it('writes what is pending on close, and a failed write never throws', async () => {
    const { writes, batcher } = recorder();
    const uses = batcher(60_000);
    uses.note('t1', '192.0.2.1', new Date('2026-01-01T00:00:00Z'));
    await uses.close();
    expect(writes).toHaveLength(1);
    const failing = new LastUsedBatcher({
      record: async () => Promise.reject(new Error('database is locked')),
      logger: pino({ level: 'silent' }),
    });
    failing.note('t1', null, new Date());
    await expect(failing.close()).resolves.toBeUndefined();
  });
});
