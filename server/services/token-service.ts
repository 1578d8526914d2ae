// Issues, lists, verifies and revokes API tokens. Only the keyed hash of a secret is stored; the
// secret itself leaves this class exactly once, in the result of `create`.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { generateToken, isTokenShaped, tokenHint } from '../../shared/token.ts';
import { allowedValidities, expiresAt, isValidityAllowed, type Validity } from '../../shared/validity.ts';
import type { Directory } from '../directory/index.ts';
import { badRequest, forbidden, notFound } from '../errors.ts';
import { publicKeyFor } from '../site-credentials/seal.ts';
import type { Store } from '../store/index.ts';
import type { AuditService } from './audit-service.ts';
import type { ServiceEvents } from './events.ts';
import type { SettingsService } from './settings-service.ts';
import { announceCap, capOutliving } from './token-cap.ts';
import { hashesEqual, hashToken } from './token-hash.ts';
import { assertNarrowerThanParent } from './token-minting.ts';
import type {
  CreateTokenInput,
  Page,
  PageOf,
  RequestContext,
  TokenFilter,
  TokenIssuer,
  TokenOwner,
  TokenRecord,
  TokenRequest,
} from './types.ts';

const nameOf = (owner: string | TokenOwner) => (typeof owner === 'string' ? owner : owner.username);

export interface TokenServiceDeps {
  store: Store;
  /** The HMAC key (ATA_SECRET / ATA_SECRET_FILE / the generated key file). */
  key: Buffer;
  clock: () => Date;
  random?: (n: number) => Buffer;
  logger: Logger;
  events: ServiceEvents;
  audit: AuditService;
  settings: SettingsService;
  /** The site, asked about the user a token is created for. */
  site?: Pick<Directory, 'lookupUser'>;
}

/** A version-4 UUID from the injected random source, so ids are as reproducible as secrets in tests. */
function uuidFrom(bytes: Buffer): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class TokenService {
  private readonly random: (n: number) => Buffer;

  constructor(private readonly deps: TokenServiceDeps) {
    this.random = deps.random ?? randomBytes;
  }

  /**
   * Creates a token and returns its secret (the only time it is available). The validity must be
   * allowed under the system maximum, and the forced read-only setting wins over the asked scope.
   * A request authenticated with a token (`ctx.viaToken`) creates only a narrower one
   * (./token-minting.ts). Who may ask is decided by createOwn and createForUser.
   */
  async create(
    input: CreateTokenInput,
    ctx: RequestContext,
  ): Promise<{ token: TokenRecord; secret: string }> {
    const settings = await this.deps.settings.get();
    if (!isValidityAllowed(input.validity, settings.maxValidity)) {
      const allowed = allowedValidities(settings.maxValidity);
      throw badRequest(`Validity ${input.validity} is not allowed; choose one of: ${allowed.join(', ')}.`, {
        allowed,
      });
    }
    const createdAt = this.deps.clock();
    const scope = settings.forceReadOnlyScope ? ('read-only' as const) : (input.scope ?? 'read-write');
    const ipAllowlist = input.ipAllowlist ?? [];
    const expires = expiresAt(createdAt, input.validity);
    const parent = ctx.viaToken ?? null;
    if (parent) {
      const child = { validity: input.validity, expiresAt: expires, scope, ipAllowlist };
      assertNarrowerThanParent(parent, child, createdAt, allowedValidities(settings.maxValidity));
    }
    const secret = generateToken(this.random);
    const row = {
      id: uuidFrom(this.random(16)),
      owner: input.owner.toLowerCase(),
      ownerKey: input.ownerKey ?? null,
      name: input.name.trim(),
      secretHash: hashToken(this.deps.key, secret),
      hint: tokenHint(secret),
      scope,
      ipAllowlist,
      createdAt,
      expiresAt: expires,
      createdBy: ctx.actor.toLowerCase(),
    };
    // The public half of the key its site credential is sealed to (site-token mode): derived from
    // the secret while it is at hand, so the owner's PAT can be sealed for it at any later time.
    const sealingKey = await publicKeyFor(secret, row.id);
    const token = await this.deps.store.transaction(async (repos) => {
      const inserted = await repos.tokens.insert(row);
      await repos.siteCredentials.setSealingKey(inserted.id, sealingKey);
      await this.deps.audit.record(
        {
          actor: ctx.actor,
          action: 'token.created',
          subjectUser: inserted.owner,
          tokenId: inserted.id,
          tokenName: inserted.name,
          remoteIp: ctx.remoteIp,
          details: {
            validity: input.validity,
            scope: inserted.scope,
            expiresAt: inserted.expiresAt,
            // A token minted by a token names its parent: the trail shows what a leaked one made.
            ...(parent ? { parentTokenId: parent.id, parentTokenName: parent.name } : {}),
          },
        },
        repos,
      );
      return inserted;
    });
    this.deps.logger.info({ tokenId: token.id, owner: token.owner, actor: ctx.actor }, 'token created');
    this.deps.events.emit('token.created', { token });
    return { token, secret };
  }

  /** A token for the caller themself: needs Create Tokens (site administrators always hold it). */
  async createOwn(
    issuer: TokenIssuer,
    request: TokenRequest,
    ctx: RequestContext,
  ): Promise<{ token: TokenRecord; secret: string }> {
    if (!issuer.permissions.createOwnTokens) {
      throw forbidden('You are not allowed to create API tokens.', 'permission_denied');
    }
    return this.create({ ...request, owner: issuer.username, ownerKey: issuer.key }, ctx);
  }

  /**
   * A token on behalf of another site user: needs Create Tokens for Other Users, the user must
   * exist and be active, and only site administrators may create one for a site administrator (a
   * token of an administrator is that administrator: the permission must not be a way up). The
   * permission is checked before the site is asked, so a refused caller learns nothing of its users.
   */
  async createForUser(
    issuer: TokenIssuer,
    username: string,
    request: TokenRequest,
    ctx: RequestContext,
    users: Pick<Directory, 'lookupUser'> | undefined = this.deps.site,
  ): Promise<{ token: TokenRecord; secret: string }> {
    if (!issuer.permissions.createTokensForOthers) {
      throw forbidden('You are not allowed to create API tokens for other users.', 'permission_denied');
    }
    if (!users) throw new Error('TokenService.createForUser needs the site to look the user up');
    const user = await users.lookupUser(username);
    if (!user) throw notFound(`The site has no user named ${username}.`);
    if (!user.active) throw badRequest(`${user.username} is deactivated on the site.`);
    if (user.isAdmin && !issuer.isAdmin) {
      throw forbidden(
        'Only site administrators may create tokens for a site administrator.',
        'admin_required',
      );
    }
    return this.create({ ...request, owner: user.username, ownerKey: user.key }, ctx);
  }

  /**
   * The owner's tokens, newest first (expired ones included, so they can be seen and deleted).
   * Given as a TokenOwner (the caller), that is by their site user key, so a rename keeps them.
   */
  list(owner: string | TokenOwner): Promise<TokenRecord[]> {
    return this.deps.store.tokens.listByOwner(owner);
  }

  get(id: string): Promise<TokenRecord | null> {
    return this.deps.store.tokens.findById(id);
  }

  adminList(filter: TokenFilter, page: Page): Promise<PageOf<TokenRecord>> {
    return this.deps.store.tokens.search(filter, page);
  }

  /**
   * Deletes one token; with `owner`, only if it belongs to them. False when nothing was deleted
   * (→ 404). A deleted token is refused on the very next request: `token.deleted` drops every
   * cached decision for it, whichever way it was written (server/authz/decision-cache.ts), and
   * other companions on the same PostgreSQL hear of it through server/cluster/ within a second.
   */
  async delete(
    id: string,
    ctx: RequestContext,
    options: { owner?: string | TokenOwner } = {},
  ): Promise<boolean> {
    const deleted = await this.deps.store.transaction(async (repos) => {
      const token = await repos.tokens.deleteById(id, options.owner);
      if (token) {
        await this.deps.audit.record(
          {
            actor: ctx.actor,
            action: 'token.deleted',
            subjectUser: token.owner,
            tokenId: token.id,
            tokenName: token.name,
            remoteIp: ctx.remoteIp,
          },
          repos,
        );
      }
      return token;
    });
    if (!deleted) return false;
    this.deps.logger.info({ tokenId: id, owner: deleted.owner, actor: ctx.actor }, 'token deleted');
    this.deps.events.emit('token.deleted', { tokenIds: [id] });
    return true;
  }

  /** Deletes every token of a user (audited even when there were none); returns how many. */
  async deleteAllForUser(owner: string | TokenOwner, ctx: RequestContext): Promise<number> {
    const deleted = await this.deps.store.transaction(async (repos) => {
      const tokens = await repos.tokens.deleteByOwner(owner);
      await this.deps.audit.record(
        {
          actor: ctx.actor,
          action: 'tokens.deleted_all',
          subjectUser: nameOf(owner).toLowerCase(),
          remoteIp: ctx.remoteIp,
          details: { count: tokens.length, tokens: tokens.map((t) => ({ id: t.id, name: t.name })) },
        },
        repos,
      );
      return tokens;
    });
    const tokenIds = deleted.map((t) => t.id);
    this.deps.logger.info(
      { owner: nameOf(owner).toLowerCase(), actor: ctx.actor, count: tokenIds.length },
      'tokens deleted',
    );
    if (tokenIds.length > 0) this.deps.events.emit('token.deleted', { tokenIds });
    return tokenIds.length;
  }

  /**
   * The live token for a secret, or null. A string that is not token-shaped is refused without a
   * database read; otherwise one lookup by the unique hash index, a constant-time compare of the
   * stored hash, and an expiry check against the clock.
   */
  async verify(secret: string): Promise<TokenRecord | null> {
    if (!isTokenShaped(secret)) return null;
    const hash = hashToken(this.deps.key, secret);
    const found = await this.deps.store.tokens.findByHash(hash);
    if (!found || !hashesEqual(found.secretHash, hash)) return null;
    const { token } = found;
    if (token.expiresAt && token.expiresAt.getTime() <= this.deps.clock().getTime()) return null;
    return token;
  }

  /**
   * Binds a token to its owner's site user key (rows from before keys were stored) and files it
   * under their current name (after a rename on the site). Never moves a token to another key:
   * a row bound to a different key, or an unbound row under a different name, is left unchanged.
   * Call it after a successful check whenever `ownerKey` is null or `owner` is not the name the
   * site gave; a repeated call changes nothing.
   */
  async bindOwner(tokenId: string, owner: TokenOwner): Promise<void> {
    const bound = await this.deps.store.transaction((repos) => repos.tokens.bindOwner(tokenId, owner));
    if (bound) this.deps.logger.info({ tokenId, owner: owner.username.toLowerCase() }, 'token owner bound');
    else this.deps.logger.warn({ tokenId, owner: owner.username.toLowerCase() }, 'token owner not bound');
  }

  /** Records a use; callers batch this (at most once a minute per token). */
  recordUse(id: string, ip: string | null, at: Date): Promise<void> {
    return this.deps.store.tokens.recordUse(id, ip, at);
  }

  /**
   * How many tokens outlive `maximum` counted from now (never-expiring ones included), and with
   * `cap` shortens them to expire exactly then (the rule: ./token-cap.ts). Not audited: an
   * administrator's cap goes through SettingsService.update, which saves, caps and audits at once.
   */
  async capToMaximum(
    maximum: Validity,
    options: { cap: boolean },
  ): Promise<{ exceeding: number; capped: number }> {
    const result = await this.deps.store.transaction((repos) =>
      capOutliving(repos, maximum, this.deps.clock(), options.cap),
    );
    announceCap(this.deps, maximum, result);
    return { exceeding: result.exceeding, capped: result.capped };
  }
}
