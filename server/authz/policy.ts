import type { Settings } from '../../shared/api.ts';
import {
  type AddressMatcher,
  compileAddressList,
  createClientIpResolver,
  type HeaderSource,
  type ReverseProxySettings,
} from './client-ip.ts';
import { boundedMemo } from './memo.ts';

/** The system-wide settings the validation plane reads: a part of the settings document. */
export type AuthzSettings = Pick<
  Settings,
  'ipAllowlist' | 'passwordBasicAuth' | 'forceReadOnlyScope' | 'auditAuthentications' | 'siteCredentialMode'
> & { reverseProxy: ReverseProxySettings };

/** Settings compiled once per change, so no request parses an address range. */
export interface AuthzPolicy {
  clientIp(peer: string | undefined, headers: HeaderSource): string | null;
  /** The global allowlist: an empty list allows every address, even an unknown one. */
  addressAllowed(clientIp: string | null): boolean;
  tokenAddressAllowed(list: readonly string[], clientIp: string | null): boolean;
  passwordBasicAuth: boolean;
  forceReadOnlyScope: boolean;
  auditAuthentications: boolean;
  /** The site gets the owner's sealed site PAT for an allowed token (else an identity header). */
  siteTokens: boolean;
}

/** Tokens usually share a handful of allowlists: compile each distinct one once. */
const MAX_COMPILED_TOKEN_LISTS = 1000;

/** A token's list was validated when it was created; should one still not compile, it allows nothing. */
function compileTokenList(list: readonly string[]): AddressMatcher {
  try {
    return compileAddressList(list);
  } catch {
    return () => false;
  }
}

export function compilePolicy(settings: AuthzSettings): AuthzPolicy {
  const global = settings.ipAllowlist.length > 0 ? compileAddressList(settings.ipAllowlist) : null;
  const compiled = boundedMemo((joined) => compileTokenList(joined.split(',')), MAX_COMPILED_TOKEN_LISTS);
  const tokenMatcher = (list: readonly string[]): AddressMatcher => compiled(list.join(','));
  return {
    clientIp: createClientIpResolver(settings.reverseProxy),
    addressAllowed: (clientIp) => global === null || (clientIp !== null && global(clientIp)),
    tokenAddressAllowed: (list, clientIp) =>
      list.length === 0 || (clientIp !== null && tokenMatcher(list)(clientIp)),
    passwordBasicAuth: settings.passwordBasicAuth,
    forceReadOnlyScope: settings.forceReadOnlyScope,
    auditAuthentications: settings.auditAuthentications,
    siteTokens: settings.siteCredentialMode === 'site-token',
  };
}
