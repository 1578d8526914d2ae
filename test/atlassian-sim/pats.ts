import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

// Personal access tokens as the bundled PAT plugin keeps them (Jira ≥ 8.14, Confluence ≥ 7.9), with the plugin's
// JVM properties as settings. A raw token is Base64 of `<12 digits>:<20 random bytes>` (44 characters, starting
// with M, N or O); only a keyed hash of it is kept, found again through the 12-digit token id it starts with.
export const DAY_MS = 24 * 60 * 60 * 1000;
/** Expired tokens still count towards the per-user limit until they are pruned this long after expiry. */
export const PRUNE_AFTER_EXPIRY_MS = 30 * DAY_MS;
const TOKEN_ID_DIGITS = 12;

export interface PatSettings {
  /** `atlassian.pats.enabled` */
  enabled: boolean;
  /** `atlassian.pats.max.tokens.per.user` */
  maxTokensPerUser: number;
  /** `atlassian.pats.max.tokens.expiry.days` */
  maxExpiryDays: number;
  /** `atlassian.pats.eternal.tokens.enabled`: when false, `expirationDuration` is required. */
  eternalTokensEnabled: boolean;
  /** `atlassian.pats.token.name.length` */
  nameLength: number;
  /** `atlassian.pats.invalidate.session.enabled`: a PAT request ends the session its JSESSIONID names. */
  invalidateSession: boolean;
}

export const DEFAULT_PAT_SETTINGS: PatSettings = {
  enabled: true,
  maxTokensPerUser: 10,
  maxExpiryDays: 365,
  eternalTokensEnabled: true,
  nameLength: 40,
  invalidateSession: true,
};

export interface PatRecord {
  /** The REST id (`/tokens/{id}`): a database sequence, unlike the token id inside the raw token. */
  id: number;
  tokenId: string;
  /** The owner's user key (not the name: a PAT follows its user through a rename). */
  owner: string;
  name: string;
  createdAt: Date;
  expiringAt: Date | undefined;
  lastAccessedAt: Date | undefined;
  hash: Buffer;
}

export type PatCreation =
  | { ok: true; record: PatRecord; rawToken: string }
  | { ok: false; status: 400 | 403; error: string };

export interface PatRequest {
  name?: unknown;
  expirationDuration?: unknown;
}

export class PatStore {
  private readonly records = new Map<number, PatRecord>();
  private nextId = 1;
  private readonly hashKey = randomBytes(32);

  constructor(
    readonly settings: PatSettings,
    private readonly now: () => Date,
  ) {}

  /** The plugin's checks in its order: name, expiry, then the per-user limit. */
  create(owner: string, request: PatRequest): PatCreation {
    const name = typeof request.name === 'string' ? request.name : '';
    if (!name.trim()) return { ok: false, status: 400, error: 'Token name must not be blank.' };
    if (name.length > this.settings.nameLength) {
      return {
        ok: false,
        status: 400,
        error: `Token name must not be longer than ${this.settings.nameLength} characters.`,
      };
    }
    const days = request.expirationDuration;
    if (days === undefined || days === null) {
      if (!this.settings.eternalTokensEnabled) {
        return { ok: false, status: 400, error: 'Token expiration duration is required.' };
      }
    } else if (
      typeof days !== 'number' ||
      !Number.isInteger(days) ||
      days < 1 ||
      days > this.settings.maxExpiryDays
    ) {
      return {
        ok: false,
        status: 400,
        error: `Token expiration duration must be between 1 and ${this.settings.maxExpiryDays} days.`,
      };
    }
    if (this.ownedBy(owner).length >= this.settings.maxTokensPerUser) {
      return {
        ok: false,
        status: 403,
        error: `A user may have at most ${this.settings.maxTokensPerUser} personal access tokens.`,
      };
    }
    const now = this.now();
    const tokenId = String(randomInt(0, 10 ** TOKEN_ID_DIGITS)).padStart(TOKEN_ID_DIGITS, '0');
    const rawToken = Buffer.concat([Buffer.from(`${tokenId}:`), randomBytes(20)]).toString('base64');
    const record: PatRecord = {
      id: this.nextId++,
      tokenId,
      owner,
      name,
      createdAt: now,
      expiringAt: typeof days === 'number' ? new Date(now.getTime() + days * DAY_MS) : undefined,
      lastAccessedAt: undefined,
      hash: this.hash(rawToken),
    };
    this.records.set(record.id, record);
    return { ok: true, record, rawToken };
  }

  /** The user's tokens, expired ones included until they are pruned. */
  ownedBy(owner: string): PatRecord[] {
    this.prune();
    return [...this.records.values()].filter((r) => r.owner === owner);
  }

  all(): PatRecord[] {
    this.prune();
    return [...this.records.values()];
  }

  get(id: number): PatRecord | undefined {
    this.prune();
    return this.records.get(id);
  }

  delete(id: number): boolean {
    return this.records.delete(id);
  }

  /** The record a raw token belongs to if it is valid now; undefined for unknown, altered or expired ones. */
  authenticate(rawToken: string): PatRecord | undefined {
    if (!this.settings.enabled) return undefined;
    const decoded = Buffer.from(rawToken, 'base64');
    if (decoded.length !== TOKEN_ID_DIGITS + 1 + 20 || decoded.toString('base64') !== rawToken)
      return undefined;
    const tokenId = decoded.subarray(0, TOKEN_ID_DIGITS).toString('latin1');
    const record = [...this.records.values()].find((r) => r.tokenId === tokenId);
    if (!record || !timingSafeEqual(record.hash, this.hash(rawToken))) return undefined;
    const now = this.now();
    if (record.expiringAt && record.expiringAt <= now) return undefined;
    // The plugin writes last access in batches once a minute.
    if (!record.lastAccessedAt || now.getTime() - record.lastAccessedAt.getTime() >= 60_000) {
      record.lastAccessedAt = now;
    }
    return record;
  }

  private hash(rawToken: string): Buffer {
    return createHmac('sha256', this.hashKey).update(rawToken).digest();
  }

  private prune(): void {
    const cutoff = this.now().getTime() - PRUNE_AFTER_EXPIRY_MS;
    for (const [id, r] of this.records) {
      if (r.expiringAt && r.expiringAt.getTime() <= cutoff) this.records.delete(id);
    }
  }
}
