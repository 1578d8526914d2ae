import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryQueue, type WebhookTarget } from '../../../server/webhooks/delivery-queue.ts';
import { payloadOf } from '../../../server/webhooks/payload.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from '../../../server/webhooks/signature.ts';
import { type Receiver, startReceiver } from '../../integration/webhooks/receiver.ts';
import { manualTimers } from '../../support/manual-timers.ts';

const SECRET = 'unit-test-secret-0123456789';
const NOW = new Date('2026-06-01T12:00:00Z');

const token = { id: 't-1', name: 'ci', owner: 'alice', expiresAt: new Date('2026-06-08T12:00:00Z') };

describe('DeliveryQueue against a receiver on 127.0.0.1', () => {
  let receiver: Receiver;
  let target: WebhookTarget | null;
  let logged: Array<Record<string, unknown>>;
  let manual: ReturnType<typeof manualTimers>;
  let queue: DeliveryQueue;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.received.length = 0;
    target = { url: receiver.url, secret: SECRET };
    logged = [];
    manual = manualTimers();
    queue = new DeliveryQueue({
      logger: pino({ level: 'debug' }, { write: (line: string) => logged.push(JSON.parse(line)) }),
      clock: () => NOW,
      target: async () => target,
      timers: manual.timers,
      capacity: 3,
    });
  });

  const send = (event: 'token.expiring_7d' | 'token.expired' = 'token.expiring_7d') =>
    queue.enqueue(payloadOf(event, NOW, token, 'https://jira.example.test'));

  it('signs each delivery over its timestamp and raw body', async () => {
    expect(send()).toBe(true);
    const [delivery] = await receiver.waitFor(1);
    const headers = delivery?.headers ?? {};
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-api-token-auth-event']).toBe('token.expiring_7d');
    expect(headers[TIMESTAMP_HEADER.toLowerCase()]).toBe(String(NOW.getTime() / 1000));
    const signature = String(headers[SIGNATURE_HEADER.toLowerCase()]);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const check = (body: string, at = NOW.getTime() / 1000) =>
      verify(SECRET, { signature, timestamp: String(headers[TIMESTAMP_HEADER.toLowerCase()]) }, body, at);
    expect(check(delivery?.body ?? '')).toBe(true);
    expect(check(`${delivery?.body} `)).toBe(false);
    expect(check(delivery?.body ?? '', NOW.getTime() / 1000 + 301)).toBe(false);
  });

  it('retries a failing receiver after 1 s, 2 s, 4 s and 8 s, then gives up, logging without the secret', async () => {
    receiver.answer(503, 503, 503, 503, 503);
    send();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      await receiver.waitFor(attempt);
      await queue.idle();
      delays.push(...manual.waiting());
      manual.fire();
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(receiver.received).toHaveLength(5);
    expect(queue.pending).toBe(0);
    expect(logged.filter((l) => l.msg === 'webhook delivery failed, will retry')).toHaveLength(4);
    expect(logged.find((l) => l.msg === 'webhook delivery failed, given up')).toMatchObject({
      attempts: 5,
      status: 503,
    });
    expect(JSON.stringify(logged)).not.toContain(SECRET);
    expect(JSON.stringify(logged)).not.toContain('/hook');
  });

  it('delivers on a retry, keeps order, and does not retry a refusal (4xx)', async () => {
    receiver.answer(500, 204, 400);
    send('token.expiring_7d');
    send('token.expired');
    await receiver.waitFor(1);
    await queue.idle();
    expect(manual.waiting()).toEqual([1_000]);
    manual.fire();
    await receiver.waitFor(3);
    await queue.idle();
    const events = receiver.received.map((r) => JSON.parse(r.body).event);
    expect(events).toEqual(['token.expiring_7d', 'token.expiring_7d', 'token.expired']);
    expect(manual.waiting()).toEqual([]);
    expect(queue.pending).toBe(0);
  });

  it('retries when nothing answers, and stops once the webhook is switched off', async () => {
    const closed = await startReceiver();
    await closed.close();
    target = { url: closed.url, secret: SECRET };
    send();
    await queue.idle();
    expect(manual.waiting()).toEqual([1_000]);
    expect(logged.find((l) => l.msg === 'webhook delivery failed, will retry')?.error).toMatch(
      /ECONNREFUSED/,
    );
    target = null;
    manual.fire();
    await queue.idle();
    expect(queue.pending).toBe(0);
    expect(manual.waiting()).toEqual([]);
  });

  it('is bounded: a full queue drops the new delivery and says so; enqueue never waits', async () => {
    receiver.answer(503);
    expect([send(), send(), send(), send()]).toEqual([true, true, true, false]);
    expect(logged.some((l) => l.msg === 'webhook queue full, delivery dropped')).toBe(true);
    await queue.idle();
    await queue.close();
    expect(logged.find((l) => l.msg === 'webhook deliveries dropped at shutdown')).toMatchObject({
      dropped: 3,
    });
    expect(send()).toBe(false);
  });

  it('sends one attempt at once for the test button, reporting the status', async () => {
    receiver.answer(418);
    const result = await queue.sendOnce(
      { url: receiver.url, secret: SECRET },
      payloadOf('test', NOW, token, 'https://jira.example.test', 'admin'),
    );
    expect(result).toEqual({
      delivered: false,
      status: 418,
      error: 'the receiver answered 418',
      retry: false,
    });
  });
});
