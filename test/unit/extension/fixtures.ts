// What the extension's unit tests build their cases from: a person as the companion describes
// them, a token of theirs, and a storage area in memory (copying on the way in and out, as the
// browser's does).
import type { Me, Token } from '../../../extension/api-types.ts';
import type { Area } from '../../../extension/storage/sites.ts';

/** alice, who may use and create her own tokens. */
export function me(overrides: Partial<Me> = {}): Me {
  return {
    username: 'alice',
    displayName: 'Alice',
    isAdmin: false,
    product: 'jira',
    permissions: { useTokens: true, createOwnTokens: true, createTokensForOthers: false },
    validityOptions: ['P1M'],
    maxValidity: 'P1M',
    forceReadOnlyScope: false,
    ...overrides,
  };
}

/** alice's token "ci", read and write, from any address, never expiring and never used. */
export function token(overrides: Partial<Token> = {}): Token {
  return {
    id: '1',
    owner: 'alice',
    name: 'ci',
    scope: 'read-write',
    ipAllowlist: [],
    createdAt: '2026-01-01T00:00:00Z',
    expiresAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    createdBy: 'alice',
    hint: 'AbCd',
    ...overrides,
  };
}

export function memoryArea(initial: Record<string, unknown> = {}): Area & { items: Record<string, unknown> } {
  const items = { ...initial };
  return {
    items,
    get: async (key) => (key in items ? { [key]: structuredClone(items[key]) } : {}),
    set: async (values) => void Object.assign(items, structuredClone(values)),
  };
}
