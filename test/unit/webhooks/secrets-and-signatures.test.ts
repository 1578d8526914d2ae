import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretBox } from '../../../server/webhooks/secret-box.ts';
import { sign, verify } from '../../../server/webhooks/signature.ts';

describe('the sealed webhook secret', () => {
  const key = randomBytes(32);

  it('opens with the same companion key, under a fresh nonce each time', () => {
    const box = secretBox(key);
    const [a, b] = [box.seal('s3cret-value-0123456789'), box.seal('s3cret-value-0123456789')];
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
    expect(box.open(a)).toBe('s3cret-value-0123456789');
    expect(secretBox(key).open(b)).toBe('s3cret-value-0123456789');
  });

  it('does not open under another key, nor when tampered with or cut short', () => {
    const sealed = secretBox(key).seal('s3cret-value-0123456789');
    expect(secretBox(randomBytes(32)).open(sealed)).toBeNull();
    const raw = Buffer.from(sealed, 'base64url');
    raw[14] = (raw[14] ?? 0) ^ 1;
    expect(secretBox(key).open(raw.toString('base64url'))).toBeNull();
    expect(secretBox(key).open('c2hvcnQ')).toBeNull();
  });
});

describe('the delivery signature', () => {
  it('is sha256=<hex HMAC-SHA-256 of "<timestamp>.<body>">, as a receiver recomputes it', async () => {
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', 'k').update('1780000000.{"a":1}').digest('hex');
    expect(sign('k', 1780000000, '{"a":1}')).toBe(`sha256=${expected}`);
  });

  it('verifies only the same secret, body and timestamp, within five minutes', () => {
    const signature = sign('k', 1000, 'body');
    expect(verify('k', { signature, timestamp: '1000' }, 'body', 1000)).toBe(true);
    expect(verify('k', { signature, timestamp: '1000' }, 'body', 1300)).toBe(true);
    expect(verify('k', { signature, timestamp: '1000' }, 'body', 1301)).toBe(false);
    expect(verify('k', { signature, timestamp: '1001' }, 'body', 1000)).toBe(false);
    expect(verify('other', { signature, timestamp: '1000' }, 'body', 1000)).toBe(false);
    expect(verify('k', { signature, timestamp: '1000' }, 'Body', 1000)).toBe(false);
    expect(verify('k', { timestamp: '1000' }, 'body', 1000)).toBe(false);
    expect(verify('k', { signature, timestamp: 'soon' }, 'body', 1000)).toBe(false);
  });
});
