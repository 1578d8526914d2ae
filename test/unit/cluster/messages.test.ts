import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../../server/cluster/messages.ts';

describe('cluster messages', () => {
  it('round-trips a message with its sender and time', () => {
    const [payload, ...more] = encode('instance-a', { kind: 'settings.changed' }, 1234);
    expect(more).toEqual([]);
    expect(decode(payload as string)).toEqual({
      from: 'instance-a',
      sentAt: 1234,
      message: { kind: 'settings.changed' },
    });
  });

  it('splits a long list of deleted tokens so that each payload stays under the NOTIFY limit', () => {
    const tokenIds = Array.from({ length: 1000 }, () => randomUUID());
    const payloads = encode('a', { kind: 'token.deleted', tokenIds }, 0);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    const heard = payloads.flatMap((p) => {
      const message = decode(p)?.message;
      return message?.kind === 'token.deleted' ? message.tokenIds : [];
    });
    expect(heard).toEqual(tokenIds);
  });

  it('refuses anything that is not a message', () => {
    for (const junk of [
      '',
      'null',
      '{}',
      '{"from":"a","sentAt":1,"message":{"kind":"token.deleted","tokenIds":[]}}',
    ]) {
      expect(decode(junk)).toBeNull();
    }
    expect(decode('{"from":"a","sentAt":1,"message":{"kind":"settings.changed","extra":1}}')).toBeNull();
  });
});

describe('cluster messages that cannot be sent', () => {
  it('are refused before sending rather than by every receiver', () => {
    const key = 'x'.repeat(2000);
    expect(() => encode('a', { kind: 'throttle.lifted', throttle: 'user', key }, 0)).toThrow();
  });
});
