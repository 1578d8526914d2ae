import { describe, expect, it } from 'vitest';
import { checkHeaders, rawHeaderLookup } from '../../../server/authz/http.ts';

// Node's req.rawHeaders: names as the client spelled them, values as sent, repeats kept.
const raw = [
  'Host',
  'companion:8080',
  'AUTHORIZATION',
  'Basic YTpi',
  'X-Original-URI',
  '/rest/api/2/myself?x=1',
  'x-original-method',
  'POST',
  'X-Forwarded-For',
  '192.0.2.1',
  'x-forwarded-for',
  '10.0.0.2',
  'X-Original-URI',
  '/second',
  'authorization',
  'Bearer other',
  'X-Request-Id',
  'abc-1',
  'X-Forwarded-Method',
  'GET',
  'X-Forwarded-Uri',
  '/rest/api/2/issue',
  'X-Authorization',
  'not this one',
];

describe('checkHeaders', () => {
  it('finds the check headers in any case, every Authorization value, the first of the rest', () => {
    expect(checkHeaders(raw)).toEqual({
      authorization: ['Basic YTpi', 'Bearer other'],
      originalMethod: 'POST',
      originalUri: '/rest/api/2/myself?x=1',
      forwardedMethod: 'GET',
      forwardedUri: '/rest/api/2/issue',
      requestId: 'abc-1',
    });
  });

  it('gives empty values when a header is absent', () => {
    expect(checkHeaders(['Host', 'x'])).toEqual({
      authorization: [],
      originalMethod: '',
      originalUri: '',
      forwardedMethod: '',
      forwardedUri: '',
      requestId: '',
    });
  });
});

describe('rawHeaderLookup', () => {
  it('reads a header like req.headers does: one value, or every repeat in order', () => {
    const lookup = rawHeaderLookup(raw);
    expect(lookup('x-forwarded-for')).toEqual(['192.0.2.1', '10.0.0.2']);
    expect(lookup('x-request-id')).toBe('abc-1');
    expect(lookup('x-real-ip')).toBeUndefined();
  });
});
