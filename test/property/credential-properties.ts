// Properties of the credential parser (server/authz/credentials.ts) against the model in
// credential-model.ts: what kind each Authorization header is, that a token in the user-name
// field is a token attempt (issue 10), and that nothing lets a token or a malformed header through
// as a password or as the site's business.
import fc from 'fast-check';
import { authorizationValues, type Credential, parseAuthorization } from '../../server/authz/credentials.ts';
import {
  type CredentialCase,
  garbageValueArb,
  plainValueArb,
  requestArb,
  tokenUserValueArb,
} from './credential-arbitraries.ts';
import {
  CONTROL,
  type Expected,
  expectedOutcomes,
  isToken,
  looksLikeToken,
  MAX_LENGTH,
  modelAuthorizationValues,
} from './credential-model.ts';
import { ok, type PropertyDefinition, show, type Verdict, verdict } from './property-kit.ts';

const tokenish = (name: string | null) => name !== null && (looksLikeToken(name.trim()) || isToken(name));

function fits(result: Credential, expected: Expected): boolean {
  const keys = Object.keys(result).sort().join(',');
  switch (expected.kind) {
    case 'none':
    case 'bearer-other':
      return result.kind === expected.kind && keys === 'kind';
    case 'malformed':
      return result.kind === 'malformed';
    case 'other-scheme':
      return result.kind === 'other-scheme' && result.scheme === expected.scheme;
    case 'basic-password':
      // Nothing but the user name: the password is never kept.
      return (
        result.kind === 'basic-password' && result.username === expected.username && keys === 'kind,username'
      );
    case 'token': {
      if (result.kind === 'bearer-token') {
        return (
          (expected.scheme === 'bearer' || expected.username === null) &&
          expected.secrets.includes(result.secret)
        );
      }
      if (result.kind !== 'basic-token' || expected.scheme !== 'basic') return false;
      const user =
        expected.username === null ? !tokenish(result.username) : result.username === expected.username;
      return user && expected.secrets.includes(result.secret);
    }
  }
}

/** Where a secret planted in the request shows up in the result outside the `secret` field. */
function leak(result: Credential, planted: readonly string[]): string | null {
  for (const [field, value] of Object.entries(result)) {
    if (field === 'secret' || typeof value !== 'string') continue;
    // In any letter case: the checksum tells which of a lower-cased token's spellings is the token.
    const found = planted.find(
      (secret) => secret.length >= 8 && value.toLowerCase().includes(secret.toLowerCase()),
    );
    if (found !== undefined) return `${field} carries the planted secret ${show(found)}`;
  }
  return null;
}

/** The checks that do not need the model: they hold for any input at all. */
function safety(values: readonly string[], result: Credential, planted: readonly string[]): string | null {
  const leaked = leak(result, planted);
  if (leaked) return leaked;
  if ((result.kind === 'basic-token' || result.kind === 'bearer-token') && !isToken(result.secret)) {
    return 'a token result whose secret is not token-shaped';
  }
  if (result.kind === 'basic-password' && tokenish(result.username)) {
    return 'a password whose user name looks like a token';
  }
  const unusable = values.length > 1 || values.some((v) => v.length > MAX_LENGTH || CONTROL.test(v));
  if (unusable && result.kind !== 'malformed')
    return 'several, oversized or control-character headers not refused';
  return null;
}

const ATTEMPT_OR_REFUSAL = new Set(['token', 'malformed']);
const TOKEN_OR_REFUSAL = new Set(['basic-token', 'bearer-token', 'malformed']);

function judgeCase({ raw, planted }: CredentialCase): Verdict {
  const modelValues = modelAuthorizationValues(raw);
  const values = authorizationValues(raw);
  if (show(values) !== show(modelValues)) {
    return verdict(
      'disagreement',
      `authorizationValues(${show(raw)}) is ${show(values)}, the model says ${show(modelValues)}`,
    );
  }
  const result = parseAuthorization(values);
  const unsafe = safety(values, result, planted);
  const expected = expectedOutcomes(values);
  const context = `for ${show(values)}: got ${show(result)}, the model allows ${show(expected)}`;
  if (unsafe) return verdict('wrong-allow', `${unsafe} ${context}`);
  if (expected.some((e) => fits(result, e))) return ok;
  // A token attempt or a malformed header that comes out as a password, the site's business or
  // no credential at all is let through unchecked: the one kind of failure that allows.
  const mustStop =
    expected.every((e) => ATTEMPT_OR_REFUSAL.has(e.kind)) && !TOKEN_OR_REFUSAL.has(result.kind);
  const mustRefuse = expected.every((e) => e.kind === 'malformed');
  return verdict(mustStop || mustRefuse ? 'wrong-allow' : 'disagreement', context);
}

export const credentialKinds: PropertyDefinition<CredentialCase> = {
  name: 'credentials: every Authorization header is classified as the model says',
  arbitrary: requestArb(plainValueArb),
  check: judgeCase,
};

export const tokenInUserName: PropertyDefinition<CredentialCase> = {
  name: 'credentials: a token or ata_ value in the Basic user name is a token attempt, never a password',
  arbitrary: requestArb(tokenUserValueArb),
  check: judgeCase,
};

export const noWrongAllows: PropertyDefinition<CredentialCase> = {
  name: 'credentials: 0 wrong allows and no leaked secret, whatever the headers',
  arbitrary: requestArb(fc.oneof(plainValueArb, tokenUserValueArb, garbageValueArb)),
  check(input) {
    const result = judgeCase(input);
    // Other differences from the model are the first two properties' business.
    return result.outcome === 'disagreement' ? ok : result;
  },
};
