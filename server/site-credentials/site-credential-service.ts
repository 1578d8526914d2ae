import { hash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { TokenOwner, TokenRecord } from '../services/types.ts';
import type { SealedCopy, SiteCredentialRecord, Store } from '../store/index.ts';
import { deriveSealingKey, openWith, SealedCredentialError, type SealingKey, seal } from './seal.ts';
import { type PatCredential, SitePatError, type SitePats } from './site-pats.ts';

/** A site PAT this close to its expiry is replaced by a new one. */
export const ROTATE_WITHIN_MS = 30 * 24 * 3600 * 1000;
const SHARE_INTERVAL_MS = 60_000;
/** Derived sealing keys kept: deriving one is the costliest step of opening a site credential. */
const MAX_SEALING_KEYS = 10_000;
const MAX_REMEMBERED_OWNERS = 10_000;

/** What a token's request can hand the site, or why not. */
export type Unsealed =
  | { pat: string; credential: SiteCredentialRecord }
  | 'site-credential-pending'
  | 'site-credential-refused';

/** How a token stands, for the panels. */
export type SiteCredentialStatus = 'ready' | 'pending' | 'refused';

export type ProvisionOutcome = 'ready' | 'nothing-to-seal' | 'disabled' | 'limit' | 'failed';

export interface SiteCredentialServiceDeps {
  store: Store;
  pats: SitePats;
  logger: Logger;
  clock: () => Date;
  /** The companion's own credential towards the site (ATA_SERVICE_AUTH), for deleting as an admin. */
  serviceAuthorization: string | undefined;
}

const live = (token: TokenRecord, now: Date) => token.expiresAt === null || token.expiresAt > now;

/** A PAT sealed for each of these tokens (id → public key), bound to the token and its owner's key. */
const sealedCopies = (keys: Map<string, Uint8Array>, pat: string, siteUserKey: string) =>
  Promise.all(
    [...keys].map(async ([tokenId, publicKey]) => ({
      tokenId,
      sealed: await seal(publicKey, pat, { tokenId, siteUserKey }),
    })),
  );

/**
 * The owner's own site PAT, which the proxy hands the site instead of the API token, kept sealed so
 * that only an API token of the owner opens it (server/site-credentials/seal.ts).
 *
 * A user's API tokens share their PAT: at most one is active per user, plus the one it replaces
 * while that is deleted. A PAT is created with the owner's session (the panel, /api/v1/me), or
 * with the PAT itself when it is due for rotation, and sealed at once for every token of the
 * owner that has a public key; a PAT no token can open any more is deleted on the site as soon as
 * a credential for that is at hand (the owner's session, the PAT, or the service credential when
 * it is an administrator's).
 */
export class SiteCredentialService {
  readonly #deps: SiteCredentialServiceDeps;
  /** One provisioning per owner at a time: page loads come in bursts. */
  readonly #inFlight = new Map<string, Promise<ProvisionOutcome>>();
  /** When each owner's pending tokens were last looked for (shareWithPending). */
  readonly #sharedAt = new Map<string, number>();
  /**
   * Sealing keys derived from secrets seen on requests, by token id, with a digest of the secret
   * they came from. They open nothing the positive-decision cache does not already hold in clear.
   */
  readonly #sealingKeys = new Map<string, { secret: string; key: SealingKey }>();

  constructor(deps: SiteCredentialServiceDeps) {
    this.#deps = deps;
  }

  /** Whether the site serves personal access tokens at all (asked with the owner's session). */
  sitePatsEnabled(session: { cookie: string }): Promise<boolean> {
    return this.#deps.pats.enabled(session);
  }

  /** Seals a site PAT for the owner's tokens if any lacks one; with the owner's session. */
  provision(owner: TokenOwner, session: { cookie: string }): Promise<ProvisionOutcome> {
    let running = this.#inFlight.get(owner.key);
    if (running === undefined) {
      running = this.#provision(owner, session).finally(() => this.#inFlight.delete(owner.key));
      this.#inFlight.set(owner.key, running);
    }
    return running;
  }

  /** The owner's live tokens that have a public sealing key, and those of them without a copy of an active credential. */
  async #sealable(owner: TokenOwner): Promise<{ keys: Map<string, Uint8Array>; lacking: string[] }> {
    const { store, clock } = this.#deps;
    const now = clock();
    const ids = (await store.tokens.listByOwner(owner)).filter((t) => live(t, now)).map((t) => t.id);
    const [keys, covered] = await Promise.all([
      store.siteCredentials.sealingKeys(ids),
      store.siteCredentials.tokensWithActive(ids),
    ]);
    return { keys, lacking: [...keys.keys()].filter((id) => !covered.has(id)) };
  }

  async #provision(owner: TokenOwner, session: { cookie: string }): Promise<ProvisionOutcome> {
    const now = this.#deps.clock();
    const [{ keys, lacking }, active] = await Promise.all([
      this.#sealable(owner),
      this.#deps.store.siteCredentials.forOwner(owner.key, ['active']),
    ]);
    const due = active.some(
      (c) => c.expiresAt !== null && c.expiresAt.getTime() - now.getTime() < ROTATE_WITHIN_MS,
    );
    let outcome: ProvisionOutcome = 'ready';
    if (lacking.length > 0 || (due && keys.size > 0)) {
      outcome = await this.#replace(owner, keys, session);
    } else if (keys.size === 0) {
      outcome = 'nothing-to-seal';
    }
    await this.#deleteUnopenable(session, owner.key);
    return outcome;
  }

  /**
   * Creates a PAT with `credential` and seals it for every token that has a public key; the
   * owner's other credentials are retired and deleted on the site with the new PAT.
   */
  async #replace(
    owner: TokenOwner,
    keys: Map<string, Uint8Array>,
    credential: PatCredential,
  ): Promise<ProvisionOutcome> {
    const { store, pats, logger, clock } = this.#deps;
    let created: Awaited<ReturnType<SitePats['create']>>;
    try {
      created = await pats.create(credential);
    } catch (err) {
      if (err instanceof SitePatError) {
        const level = err.failure === 'disabled' ? 'error' : 'warn';
        logger[level](
          {
            event: 'site_credential.create_failed',
            owner: owner.username,
            failure: err.failure,
            status: err.status,
          },
          err.failure === 'disabled'
            ? 'the site has personal access tokens switched off: tokens cannot reach it in site-token mode'
            : 'the site refused to create a personal access token',
        );
        return err.failure === 'disabled' ? 'disabled' : err.failure === 'limit' ? 'limit' : 'failed';
      }
      throw err;
    }
    const now = clock();
    const record: SiteCredentialRecord = {
      id: randomUUID(),
      ownerKey: owner.key,
      siteTokenId: created.id,
      createdAt: now,
      expiresAt: created.expiresAt,
      state: 'active',
      stateChangedAt: now,
    };
    const copies = await sealedCopies(keys, created.rawToken, owner.key);
    const replaced = await store.transaction(async (repos) => {
      const previous = await repos.siteCredentials.forOwner(owner.key, ['active', 'refused']);
      for (const old of previous) await repos.siteCredentials.setState(old.id, 'retired', now);
      await repos.siteCredentials.insert(record);
      await repos.siteCredentials.addSealed(record.id, copies);
      return previous;
    });
    logger.info(
      {
        event: 'site_credential.created',
        owner: owner.username,
        tokens: copies.length,
        replaced: replaced.length,
      },
      'personal access token on the site created and sealed for the owner’s API tokens',
    );
    const withNew = { authorization: `Bearer ${created.rawToken}` };
    for (const old of replaced) await this.#deleteOnSite(old, withNew);
    return 'ready';
  }

  /**
   * The site PAT a request with this token may hand the site. A token without a sealed copy
   * (created by an administrator for someone, or before this mode) is pending until the owner's
   * next visit; its public key is stored now if it had none, so that visit can seal for it.
   */
  async unseal(token: { id: string }, secret: string): Promise<Unsealed> {
    const copy = await this.#deps.store.siteCredentials.sealedFor(token.id);
    if (copy === null) {
      const { publicKey } = await this.#sealingKey(token.id, secret);
      await this.#deps.store.siteCredentials.setSealingKey(token.id, publicKey);
      return 'site-credential-pending';
    }
    if (copy.credential.state === 'refused') return 'site-credential-refused';
    return this.#open(copy, token.id, secret);
  }

  async #sealingKey(tokenId: string, secret: string): Promise<SealingKey> {
    const digest = hash('sha256', secret, 'base64');
    const known = this.#sealingKeys.get(tokenId);
    if (known?.secret === digest) return known.key;
    const key = await deriveSealingKey(secret, tokenId);
    if (this.#sealingKeys.size >= MAX_SEALING_KEYS) {
      this.#sealingKeys.delete(this.#sealingKeys.keys().next().value as string);
    }
    this.#sealingKeys.set(tokenId, { secret: digest, key });
    return key;
  }

  async #open(copy: SealedCopy, tokenId: string, secret: string): Promise<Unsealed> {
    try {
      const key = await this.#sealingKey(tokenId, secret);
      const pat = await openWith(key, copy.sealed, { tokenId, siteUserKey: copy.credential.ownerKey });
      return { pat, credential: copy.credential };
    } catch (err) {
      if (!(err instanceof SealedCredentialError)) throw err;
      // Only a changed row or a bug gets here: refuse, and say so loudly.
      this.#deps.logger.error(
        {
          event: 'site_credential.unsealable',
          tokenId,
          credentialId: copy.credential.id,
          reason: err.reason,
        },
        'a sealed site credential does not open with its token',
      );
      return 'site-credential-refused';
    }
  }

  /** The site no longer accepts this PAT (revoked there, user deactivated, maximum lowered). */
  async markRefused(credential: SiteCredentialRecord): Promise<void> {
    await this.#deps.store.siteCredentials.setState(credential.id, 'refused', this.#deps.clock());
    this.#deps.logger.warn(
      { event: 'site_credential.refused', credentialId: credential.id },
      'the site no longer accepts an owner’s personal access token; it is replaced at the owner’s next visit',
    );
  }

  /** Replaces a PAT due for rotation using the PAT itself (during one of the owner's requests). */
  rotateIfDue(
    owner: TokenOwner,
    credential: SiteCredentialRecord,
    pat: string,
  ): Promise<ProvisionOutcome> | null {
    const now = this.#deps.clock().getTime();
    if (credential.expiresAt === null || credential.expiresAt.getTime() - now >= ROTATE_WITHIN_MS)
      return null;
    let running = this.#inFlight.get(owner.key);
    if (running === undefined) {
      running = (async () => {
        const { keys } = await this.#sealable(owner);
        return this.#replace(owner, keys, { authorization: `Bearer ${pat}` });
      })().finally(() => this.#inFlight.delete(owner.key));
      this.#inFlight.set(owner.key, running);
    }
    return running;
  }

  /**
   * Seals an opened PAT for the owner's tokens that lack a copy (one an administrator made for
   * them, say), so they work without waiting for the owner's next visit. Sealing needs only the
   * tokens' public keys. Asked at most once a minute per owner.
   */
  shareWithPending(owner: TokenOwner, credential: SiteCredentialRecord, pat: string): Promise<number> | null {
    const now = this.#deps.clock().getTime();
    if ((this.#sharedAt.get(owner.key) ?? Number.NEGATIVE_INFINITY) + SHARE_INTERVAL_MS > now) return null;
    this.#sharedAt.set(owner.key, now);
    if (this.#sharedAt.size > MAX_REMEMBERED_OWNERS)
      this.#sharedAt.delete(this.#sharedAt.keys().next().value as string);
    return (async () => {
      const { keys, lacking } = await this.#sealable(owner);
      if (lacking.length === 0) return 0;
      const pending = new Map(lacking.map((id) => [id, keys.get(id) as Uint8Array]));
      const copies = await sealedCopies(pending, pat, credential.ownerKey);
      await this.#deps.store.siteCredentials.addSealed(credential.id, copies);
      this.#deps.logger.info(
        { event: 'site_credential.shared', owner: owner.username, tokens: copies.length },
        'the owner’s site credential was sealed for their tokens that had none',
      );
      return copies.length;
    })();
  }

  /** After tokens were deleted: their owners' PATs that nobody can open any more go too. */
  async tokensDeleted(): Promise<void> {
    await this.#deleteUnopenable(undefined);
  }

  /** How each of these tokens stands towards the site. */
  async statusOf(tokenIds: readonly string[]): Promise<Map<string, SiteCredentialStatus>> {
    const standing = await this.#deps.store.siteCredentials.standing(tokenIds);
    const status = (id: string): SiteCredentialStatus => {
      const state = standing.get(id);
      return state === undefined ? 'pending' : state === 'refused' ? 'refused' : 'ready';
    };
    return new Map(tokenIds.map((id) => [id, status(id)]));
  }

  /** Deletes on the site, then here, every credential no token opens; with `session` or the service's. */
  async #deleteUnopenable(session: PatCredential | undefined, ownerKey?: string): Promise<void> {
    const orphans = await this.#deps.store.siteCredentials.deletable(ownerKey);
    for (const orphan of orphans) {
      const credential =
        session ??
        (this.#deps.serviceAuthorization === undefined
          ? undefined
          : { authorization: this.#deps.serviceAuthorization });
      if (credential === undefined) continue;
      await this.#deleteOnSite(orphan, credential);
    }
  }

  async #deleteOnSite(credential: SiteCredentialRecord, with_: PatCredential): Promise<void> {
    try {
      await this.#deps.pats.revoke(credential.siteTokenId, with_);
      await this.#deps.store.siteCredentials.remove(credential.id);
    } catch (err) {
      // Kept as retired: the owner's next visit, or the next deletion, tries again.
      await this.#deps.store.siteCredentials.setState(credential.id, 'retired', this.#deps.clock());
      this.#deps.logger.warn(
        { event: 'site_credential.delete_failed', credentialId: credential.id, err },
        'could not delete a personal access token on the site yet',
      );
    }
  }
}
