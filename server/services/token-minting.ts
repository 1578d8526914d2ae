// A token used to create tokens can only create narrower ones: otherwise a token limited to one
// address and one month mints a token with neither limit, which outlives it. A wider request is
// refused (never silently narrowed), with a message saying what the parent token allows.
import { isRangeWithin } from '../../shared/addresses.ts';
import { expiresAt, type Validity } from '../../shared/validity.ts';
import { AppError } from '../errors.ts';
import type { TokenScope, ViaToken } from './types.ts';

export interface ChildToken {
  validity: Validity;
  /** When the child would expire (null: never), counted from `createdAt`. */
  expiresAt: Date | null;
  scope: TokenScope;
  ipAllowlist: readonly string[];
}

const refuse = (parent: ViaToken, message: string, details: Record<string, unknown>) =>
  new AppError(
    403,
    'wider_than_parent_token',
    `This request is authenticated with the API token "${parent.name}", so the token it creates may not be wider. ${message}`,
    true,
    { parentTokenId: parent.id, ...details },
  );

function checkExpiry(parent: ViaToken, child: ChildToken, createdAt: Date, offered: readonly Validity[]) {
  const limit = parent.expiresAt;
  if (limit === null || (child.expiresAt !== null && child.expiresAt <= limit)) return;
  const allowed = offered.filter((v) => {
    const end = expiresAt(createdAt, v);
    return end !== null && end <= limit;
  });
  const choice = allowed.length
    ? `Choose one of: ${allowed.join(', ')}.`
    : 'No validity ends by then: log in to the site, or use a token that lasts longer.';
  throw refuse(parent, `It expires at ${limit.toISOString()}, and so must the new token. ${choice}`, {
    parentExpiresAt: limit.toISOString(),
    allowed,
  });
}

function checkAddresses(parent: ViaToken, child: ChildToken) {
  if (parent.ipAllowlist.length === 0) return;
  const outside = child.ipAllowlist.filter((c) => !parent.ipAllowlist.some((p) => isRangeWithin(c, p)));
  if (child.ipAllowlist.length > 0 && outside.length === 0) return;
  const what =
    child.ipAllowlist.length === 0
      ? 'The new token needs an IP allowlist too'
      : `Not within its IP allowlist: ${outside.join(', ')}`;
  throw refuse(parent, `${what}; every entry must lie within one of: ${parent.ipAllowlist.join(', ')}.`, {
    parentIpAllowlist: parent.ipAllowlist,
    outside,
  });
}

function checkScope(parent: ViaToken, child: ChildToken) {
  if (parent.scope === 'read-write' || child.scope === 'read-only') return;
  throw refuse(parent, 'It is read-only, so the new token must be read-only too (scope: "read-only").', {
    parentScope: parent.scope,
  });
}

/**
 * Throws a 403 `wider_than_parent_token` unless the child expires no later than the parent, lies
 * within the parent's IP allowlist (a parent with a list needs a child with one), and is read-only
 * when the parent is. `offered` are the validities the system maximum allows, for the message.
 */
export function assertNarrowerThanParent(
  parent: ViaToken,
  child: ChildToken,
  createdAt: Date,
  offered: readonly Validity[],
): void {
  checkExpiry(parent, child, createdAt, offered);
  checkAddresses(parent, child);
  checkScope(parent, child);
}
