import { writeSync } from 'node:fs';

export interface BatchedDestinationOptions {
  /** Where the lines go: 1 for stdout. */
  fd: number;
  /** A batch is written once it holds this many characters… */
  batchChars?: number;
  /** …or once its first line has waited this long. */
  maxDelayMs?: number;
  /** fs.writeSync's shape; tests replace it to see the batches and to simulate a full or closed pipe. */
  write?: (fd: number, buffer: Buffer, offset: number, length: number) => number;
}

export interface BatchedDestination {
  /** What pino calls for every line. */
  write(line: string): boolean;
  /** Writes everything buffered now, synchronously. */
  flushSync(): void;
  /** Flushes and stops batching: later lines are written at once. */
  close(): void;
}

const DEFAULT_BATCH_CHARS = 64 * 1024;
const DEFAULT_MAX_DELAY_MS = 250;
// A non-blocking pipe whose reader is slow answers EAGAIN: wait for it, up to about a second.
const BUSY_WAIT_MS = 5;
const BUSY_RETRIES = 200;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

const isBusy = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
};

/**
 * A pino destination that collects lines in memory and writes them in batches of tens of
 * kilobytes, at the latest `maxDelayMs` after the first one. The validation plane logs two lines
 * per authentication, thousands a second: pino's asynchronous destination (sonic-boom) measured
 * about 4 µs a line here, most of it measuring the byte length of its growing buffer again on
 * every write; this one costs an array push. Writes are synchronous, so lines keep their order,
 * nothing is in flight when the process exits, memory stays bounded by one batch, and a reader
 * that cannot keep up slows the writer. A batch that cannot be written at all (closed pipe, a
 * reader stuck for a second) is dropped, and the next batch says how many lines were lost.
 */
export function batchedDestination(options: BatchedDestinationOptions): BatchedDestination {
  const batchChars = options.batchChars ?? DEFAULT_BATCH_CHARS;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const write = options.write ?? writeSync;
  let lines: string[] = [];
  let chars = 0;
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const writeAll = (data: Buffer) => {
    let offset = 0;
    let retries = 0;
    while (offset < data.length) {
      try {
        offset += write(options.fd, data, offset, data.length - offset);
      } catch (err) {
        if (!isBusy(err) || ++retries > BUSY_RETRIES) throw err;
        Atomics.wait(sleeper, 0, 0, BUSY_WAIT_MS);
      }
    }
  };

  const flushSync = () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (lines.length === 0) return;
    if (dropped > 0) {
      const notice = { level: 40, time: Date.now(), msg: `log output failed: ${dropped} lines dropped` };
      lines.unshift(`${JSON.stringify(notice)}\n`);
    }
    const batch = lines;
    lines = [];
    chars = 0;
    try {
      writeAll(Buffer.from(batch.join('')));
      dropped = 0;
    } catch {
      dropped += batch.length - (dropped > 0 ? 1 : 0);
    }
  };

  return {
    write(line) {
      lines.push(line);
      chars += line.length;
      if (closed || chars >= batchChars) {
        flushSync();
      } else if (timer === undefined) {
        timer = setTimeout(flushSync, maxDelayMs);
        timer.unref();
      }
      return true;
    },
    flushSync,
    close() {
      closed = true;
      flushSync();
    },
  };
}
