import { describe, expect, it } from 'vitest';
import {
  authorizationValues,
  isTokenAttempt,
  MAX_AUTHORIZATION_LENGTH,
  parseAuthorization,
  queryCredential,
} from '../../../server/authz/credentials.ts';
import { generateToken } from '../../../shared/token.ts';

const basic = (userPass: string) => `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;
const token = generateToken();
// Same shape, one checksum character changed.
const broken = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');

describe('parseAuthorization', () => {
  it('no header is a browser session or an anonymous call', () => {
    expect(parseAuthorization([])).toEqual({ kind: 'none' });
  });

  it('Basic with a token-shaped password is a token for that user', () => {
    expect(parseAuthorization([basic(`alice:${token}`)])).toEqual({
      kind: 'basic-token',
      username: 'alice',
      secret: token,
    });
  });

  it('Bearer with one of our tokens is a token; any other Bearer belongs to the site', () => {
    expect(parseAuthorization([`Bearer ${token}`])).toEqual({ kind: 'bearer-token', secret: token });
    expect(parseAuthorization(['Bearer NjYzMDk4NjQ1OTk4Ol+siteownpat'])).toEqual({ kind: 'bearer-other' });
  });

  it('the scheme is case-insensitive and extra spaces are tolerated', () => {
    expect(parseAuthorization([`bEaReR   ${token} `])).toEqual({ kind: 'bearer-token', secret: token });
  });

  it('Basic with anything else is a password, and the password is not kept', () => {
    const parsed = parseAuthorization([basic('alice:correct horse:battery')]);
    expect(parsed).toEqual({ kind: 'basic-password', username: 'alice' });
    expect(JSON.stringify(parsed)).not.toContain('horse');
  });

  it('a mistyped token is refused, never handed on as a password', () => {
    expect(parseAuthorization([basic(`alice:${broken}`)])).toEqual({
      kind: 'malformed',
      reason: 'bad-token-checksum',
    });
    expect(parseAuthorization([`Bearer ${broken}`])).toEqual({
      kind: 'malformed',
      reason: 'bad-token-checksum',
    });
    expect(parseAuthorization([basic('alice:ata_short')])).toEqual({
      kind: 'malformed',
      reason: 'bad-token-checksum',
    });
  });

  it('a token in the user-name field is a token claiming no name, never a password', () => {
    for (const userPass of [`${token}:`, `${token}:x-oauth-basic`, ` ${token} :`, token]) {
      expect(parseAuthorization([basic(userPass)])).toEqual({
        kind: 'basic-token',
        username: null,
        secret: token,
      });
    }
  });

  it('anything meant as a token in the user-name field is a token attempt, whatever its case', () => {
    for (const userPass of ['ata_short:', 'ATA_short:pw', `${broken}:`, 'Ata_x']) {
      const parsed = parseAuthorization([basic(userPass)]);
      expect(parsed).toEqual({ kind: 'malformed', reason: 'bad-token-checksum' });
      expect(isTokenAttempt(parsed)).toBe(true);
    }
    expect(parseAuthorization([basic(`${token}:${token}`)])).toEqual({
      kind: 'malformed',
      reason: 'two-tokens',
    });
    expect(parseAuthorization([basic(`${token}:ata_x`)])).toEqual({
      kind: 'malformed',
      reason: 'two-tokens',
    });
  });

  it('a token in another scheme is a token attempt; a word merely containing ata_ is not', () => {
    expect(parseAuthorization([token])).toEqual({ kind: 'bearer-token', secret: token });
    for (const value of [`token ${token}`, `Bearer${token}`, `OAuth oauth_token="${token}"`]) {
      expect(parseAuthorization([value])).toEqual({ kind: 'malformed', reason: 'bad-token-checksum' });
    }
    expect(parseAuthorization(['OAuth oauth_consumer_key="metadata_sync", oauth_nonce="x"'])).toEqual({
      kind: 'other-scheme',
      scheme: 'oauth',
    });
  });

  it('other schemes (OAuth for application links, Negotiate) are the site’s business', () => {
    expect(parseAuthorization(['OAuth oauth_consumer_key="x"'])).toEqual({
      kind: 'other-scheme',
      scheme: 'oauth',
    });
    expect(parseAuthorization(['Negotiate YIIB'])).toEqual({ kind: 'other-scheme', scheme: 'negotiate' });
  });

  it.each([
    ['two Authorization headers', [basic('alice:pw'), `Bearer ${token}`], 'multiple-authorization-headers'],
    ['an oversized header', [`Basic ${'A'.repeat(MAX_AUTHORIZATION_LENGTH + 4)}`], 'oversized-authorization'],
    ['a NUL byte in the header', ['Basic YWxp\u0000Y2U6cHc='], 'invalid-characters'],
    ['a NUL byte in the decoded credential', [basic('alice\u0000:pw')], 'invalid-characters'],
    [
      'a newline in the decoded credential',
      [basic('alice:pw\nX-Forwarded-User: admin')],
      'invalid-characters',
    ],
    ['an empty header', [''], 'empty-authorization'],
    ['a scheme with no credential', ['Basic'], 'empty-authorization'],
    ['a Bearer with no credential', ['Bearer   '], 'empty-authorization'],
    ['bad base64 characters', ['Basic !!!!'], 'bad-base64'],
    ['base64 of the wrong length', ['Basic YWxpY2U6cHc'], 'bad-base64'],
    ['padding in the middle', ['Basic YW=pY2U6cHc='], 'bad-base64'],
    ['no colon', [basic('alicepw')], 'no-colon'],
    ['an empty username', [basic(`:${token}`)], 'empty-username'],
  ])('%s is malformed', (_name, values, reason) => {
    expect(parseAuthorization(values)).toEqual({ kind: 'malformed', reason });
  });

  it('never throws on arbitrary input', () => {
    const samples = [
      'Basic',
      'Basic ====',
      'Bearer \u00ff\u00fe',
      '\u{1F600}',
      ' '.repeat(9000),
      'Basic //8=',
      'x y z',
    ];
    for (const sample of samples) expect(() => parseAuthorization([sample])).not.toThrow();
  });
});

describe('authorizationValues', () => {
  it('collects every Authorization header from the raw list, whatever its case', () => {
    expect(
      authorizationValues([
        'Host',
        'x',
        'authorization',
        'Basic a',
        'X-Other',
        'y',
        'AUTHORIZATION',
        'Bearer b',
      ]),
    ).toEqual(['Basic a', 'Bearer b']);
    expect(authorizationValues(['Host', 'x'])).toEqual([]);
  });
});

describe('queryCredential', () => {
  it('finds Seraph’s login parameters, whatever their case or encoding', () => {
    expect(queryCredential('/rest/api/2/myself?os_username=alice&os_password=pw')).toEqual({
      kind: 'basic-password',
      username: 'alice',
    });
    expect(queryCredential('/x?OS_PASSWORD=pw')).toEqual({ kind: 'basic-password', username: '' });
    expect(queryCredential('/x?os%5Fusername=bob')).toEqual({ kind: 'basic-password', username: 'bob' });
  });

  it('never keeps the password, and refuses a token in the URL', () => {
    expect(JSON.stringify(queryCredential('/x?os_username=a&os_password=hunter2'))).not.toContain('hunter2');
    expect(queryCredential(`/x?os_password=${token}`)).toEqual({
      kind: 'malformed',
      reason: 'token-in-query',
    });
    expect(queryCredential(`/x?os_username=${token}`)).toEqual({
      kind: 'malformed',
      reason: 'token-in-query',
    });
  });

  it('ignores every other parameter, os_destination included', () => {
    expect(queryCredential('/rest/api/2/search?jql=project%3DDEMO')).toBeNull();
    expect(queryCredential('/login.jsp?os_destination=%2Fbrowse%2FDEMO-1')).toBeNull();
    expect(queryCredential('/rest/api/2/myself')).toBeNull();
  });
});
