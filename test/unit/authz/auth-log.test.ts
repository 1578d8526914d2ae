import pino, { type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { authLogFor, loggablePath } from '../../../server/authz/auth-log.ts';
import type { AuthzRequest, Decision } from '../../../server/authz/decision-engine.ts';
import { createLogger } from '../../../server/logger.ts';

function capture(make: (stream: { write(chunk: string): boolean }) => Logger) {
  const writes: string[] = [];
  const logger = make({ write: (chunk) => writes.push(chunk) > 0 });
  const lines = () =>
    writes.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((line) => JSON.parse(line));
  return { logger, writes, lines };
}

const request: AuthzRequest = {
  method: 'GET',
  path: '/rest/api/2/search?jql=secret',
  authorization: ['Basic c2VjcmV0'],
  peer: '127.0.0.1',
  headers: {},
};
const allowed: Decision = {
  decision: 'allow',
  status: 200,
  mode: 'token',
  user: 'alice',
  reason: 'ok',
  clientIp: '192.0.2.7',
  token: { id: 'tok-1', name: 'ci', expiresAt: null, scope: 'read-write', ipAllowlist: [] },
};
const refused: Decision = {
  decision: 'deny',
  status: 401,
  mode: 'token',
  user: 'bob "\n\u2028\u0000',
  reason: 'invalid-token',
  clientIp: null,
};
const withoutTime = ({ time, ...rest }: Record<string, unknown>) => {
  expect(typeof time).toBe('number');
  return rest;
};

describe('authentication log lines', () => {
  it.each([
    ['an allowed token', allowed],
    ['a refusal with awkward characters in the name', refused],
  ])('are the lines pino itself writes, for %s', (_name, decision) => {
    const fast = capture((stream) => createLogger({ destination: stream }).child({ component: 'authz' }));
    authLogFor(fast.logger)(request, decision, 'req-1');
    // The same fields through pino's own serialiser: the encoder must match it field for field.
    const reference = capture((stream) =>
      createLogger({ destination: stream }).child({ component: 'authz' }),
    );
    const [attempt, outcome] = fast.lines();
    reference.logger.info(
      {
        event: 'auth.attempt',
        reqId: 'req-1',
        user: decision.user,
        method: 'GET',
        path: '/rest/api/2/search',
        clientIp: decision.clientIp,
        mode: 'token',
      },
      'authentication attempt',
    );
    reference.logger.info(
      decision.decision === 'allow'
        ? { event: 'auth.succeeded', reqId: 'req-1', user: decision.user, mode: 'token', tokenId: 'tok-1' }
        : {
            event: 'auth.failed',
            reqId: 'req-1',
            user: decision.user,
            mode: 'token',
            reason: decision.reason,
            status: decision.status,
          },
      decision.decision === 'allow' ? 'authentication succeeded' : 'authentication refused',
    );
    const expected = reference.lines().map(withoutTime);
    expect([attempt, outcome].map(withoutTime)).toEqual(expected);
    // Same key order as pino's, so the raw lines read the same too.
    expect(fast.writes.join('').replace(/"time":\d+/g, '')).toBe(
      reference.writes.join('').replace(/"time":\d+/g, ''),
    );
  });

  it('never writes the query string or the credential', () => {
    const { logger, writes } = capture((stream) => createLogger({ destination: stream }));
    authLogFor(logger)(request, allowed, undefined);
    const text = writes.join('');
    expect(text).not.toContain('jql');
    expect(text).not.toContain('c2VjcmV0');
    expect(text).not.toContain('reqId');
  });

  it('writes nothing when info is off', () => {
    const { logger, writes } = capture((stream) => createLogger({ level: 'warn', destination: stream }));
    authLogFor(logger)(request, allowed, 'r');
    expect(writes).toEqual([]);
  });

  it('goes through logger.info for a logger it cannot reproduce', () => {
    const { logger, lines } = capture((stream) => pino({ mixin: () => ({ tenant: 'acme' }) }, stream));
    authLogFor(logger)(request, refused, 'r');
    expect(lines().map(withoutTime)).toEqual([
      expect.objectContaining({ event: 'auth.attempt', tenant: 'acme', msg: 'authentication attempt' }),
      expect.objectContaining({
        event: 'auth.failed',
        tenant: 'acme',
        reason: 'invalid-token',
        status: 401,
        msg: 'authentication refused',
      }),
    ]);
  });

  it('bounds the logged path', () => {
    expect(loggablePath(`/rest/${'a'.repeat(400)}?q=1`)).toHaveLength(301);
    expect(loggablePath('/rest/api/2/myself?expand=groups')).toBe('/rest/api/2/myself');
  });
});
