import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchedDestination } from '../../../server/log-destination.ts';

type Write = (fd: number, buffer: Buffer, offset: number, length: number) => number;

function recorder(behave?: (call: number, length: number) => number | Error) {
  const batches: string[] = [];
  let calls = 0;
  const write: Write = (_fd, buffer, offset, length) => {
    const outcome = behave?.(calls++, length) ?? length;
    if (outcome instanceof Error) throw outcome;
    batches.push(buffer.subarray(offset, offset + outcome).toString());
    return outcome;
  };
  return { write, batches };
}

const busy = () => Object.assign(new Error('EAGAIN: resource temporarily unavailable'), { code: 'EAGAIN' });

describe('batchedDestination', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes lines in one batch once enough have gathered, in order', () => {
    const { write, batches } = recorder();
    const destination = batchedDestination({ fd: 1, batchChars: 20, write });
    destination.write('line one\n');
    destination.write('line two\n');
    expect(batches).toEqual([]);
    destination.write('line three\n');
    expect(batches).toEqual(['line one\nline two\nline three\n']);
  });

  it('writes what waits after the delay, even when traffic stops', () => {
    const { write, batches } = recorder();
    const destination = batchedDestination({ fd: 1, maxDelayMs: 250, write });
    destination.write('quiet\n');
    vi.advanceTimersByTime(249);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual(['quiet\n']);
  });

  it('finishes partial writes and waits out a full pipe', () => {
    const { write, batches } = recorder((call, length) => (call === 0 ? 3 : call === 1 ? busy() : length));
    const destination = batchedDestination({ fd: 1, write });
    destination.write('ünïcode line\n');
    destination.flushSync();
    expect(Buffer.concat(batches.map((b) => Buffer.from(b))).toString()).toBe('ünïcode line\n');
  });

  it('drops a batch it cannot write and says so in the next one', () => {
    let broken = true;
    const { write, batches } = recorder(() => (broken ? new Error('EPIPE') : undefined) as never);
    const destination = batchedDestination({ fd: 1, write });
    destination.write('a\n');
    destination.write('b\n');
    expect(() => destination.flushSync()).not.toThrow();
    broken = false;
    destination.write('c\n');
    destination.flushSync();
    const [notice, line] = (batches[0] ?? '').split('\n');
    expect(JSON.parse(notice ?? '')).toMatchObject({ level: 40, msg: 'log output failed: 2 lines dropped' });
    expect(line).toBe('c');
  });

  it('writes at once after close, and close writes what is buffered', () => {
    const { write, batches } = recorder();
    const destination = batchedDestination({ fd: 1, write });
    destination.write('before\n');
    destination.close();
    expect(batches).toEqual(['before\n']);
    destination.write('after\n');
    expect(batches).toEqual(['before\n', 'after\n']);
  });
});

describe('batchedDestination on a real file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ata-log-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('leaves every line in the file, whole and in order', () => {
    const file = path.join(dir, 'out.log');
    const fd = openSync(file, 'w');
    const destination = batchedDestination({ fd, batchChars: 1000 });
    const lines = Array.from(
      { length: 5000 },
      (_, i) => `${JSON.stringify({ i, text: 'x'.repeat(i % 97) })}\n`,
    );
    for (const line of lines) destination.write(line);
    destination.close();
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
  });
});
