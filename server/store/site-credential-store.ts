// The site-credential tables: public sealing keys of tokens, the owners' site PATs (by their
// id on the site, never the PAT), and the sealed copies of each PAT, one per API token.
import type { Knex } from 'knex';
import { fromMillis, fromMillisOrNull, toMillis } from './columns.ts';

export type SiteCredentialState = 'active' | 'refused' | 'retired';

export interface SiteCredentialRecord {
  id: string;
  ownerKey: string;
  siteTokenId: string;
  createdAt: Date;
  expiresAt: Date | null;
  state: SiteCredentialState;
  stateChangedAt: Date;
}

interface CredentialRow {
  id: string;
  owner_key: string;
  site_token_id: string;
  created_at: number | string;
  expires_at: number | string | null;
  state: string;
  state_changed_at: number | string;
}

function mapRow(row: CredentialRow): SiteCredentialRecord {
  return {
    id: row.id,
    ownerKey: row.owner_key,
    siteTokenId: row.site_token_id,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillisOrNull(row.expires_at),
    state: row.state as SiteCredentialState,
    stateChangedAt: fromMillis(row.state_changed_at),
  };
}

export interface SealedCopy {
  credential: SiteCredentialRecord;
  sealed: Buffer;
}

export class SiteCredentialStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async setSealingKey(tokenId: string, publicKey: Uint8Array): Promise<void> {
    await this.db('token_sealing_keys')
      .insert({ token_id: tokenId, public_key: Buffer.from(publicKey).toString('base64') })
      .onConflict('token_id')
      .ignore();
  }

  /** The public sealing keys of these tokens (tokens without one are left out). */
  async sealingKeys(tokenIds: readonly string[]): Promise<Map<string, Uint8Array>> {
    if (tokenIds.length === 0) return new Map();
    const rows: Array<{ token_id: string; public_key: string }> = await this.db('token_sealing_keys')
      .select('token_id', 'public_key')
      .whereIn('token_id', tokenIds);
    return new Map(rows.map((r) => [r.token_id, new Uint8Array(Buffer.from(r.public_key, 'base64'))]));
  }

  async insert(credential: SiteCredentialRecord): Promise<void> {
    await this.db('site_credentials').insert({
      id: credential.id,
      owner_key: credential.ownerKey,
      site_token_id: credential.siteTokenId,
      created_at: toMillis(credential.createdAt),
      expires_at: toMillis(credential.expiresAt),
      state: credential.state,
      state_changed_at: toMillis(credential.stateChangedAt),
    });
  }

  async addSealed(credentialId: string, copies: ReadonlyArray<{ tokenId: string; sealed: Uint8Array }>) {
    if (copies.length === 0) return;
    await this.db('sealed_site_credentials').insert(
      copies.map((c) => ({
        credential_id: credentialId,
        token_id: c.tokenId,
        sealed: Buffer.from(c.sealed).toString('base64'),
      })),
    );
  }

  /** The owner's credentials in the given states, newest first. */
  async forOwner(ownerKey: string, states: readonly SiteCredentialState[]): Promise<SiteCredentialRecord[]> {
    const rows: CredentialRow[] = await this.db('site_credentials')
      .where({ owner_key: ownerKey })
      .whereIn('state', states)
      .orderBy('created_at', 'desc');
    return rows.map(mapRow);
  }

  /** The sealed copy for this token of its owner's newest active (or refused) credential. */
  async sealedFor(tokenId: string): Promise<SealedCopy | null> {
    const row: (CredentialRow & { sealed: string }) | undefined = await this.db(
      'sealed_site_credentials as s',
    )
      .join('site_credentials as c', 'c.id', 's.credential_id')
      .where('s.token_id', tokenId)
      .whereIn('c.state', ['active', 'refused'])
      .orderByRaw("case when c.state = 'active' then 0 else 1 end")
      .orderBy('c.created_at', 'desc')
      .select('c.*', 's.sealed')
      .first();
    return row ? { credential: mapRow(row), sealed: Buffer.from(row.sealed, 'base64') } : null;
  }

  /**
   * How each of these tokens stands, in one query: 'active' when it has a copy of an active
   * credential, else 'refused' when it has one of a refused credential; tokens with neither are
   * left out.
   */
  async standing(tokenIds: readonly string[]): Promise<Map<string, 'active' | 'refused'>> {
    const result = new Map<string, 'active' | 'refused'>();
    if (tokenIds.length === 0) return result;
    const rows: Array<{ token_id: string; state: 'active' | 'refused' }> = await this.db(
      'sealed_site_credentials as s',
    )
      .join('site_credentials as c', 'c.id', 's.credential_id')
      .whereIn('s.token_id', tokenIds)
      .whereIn('c.state', ['active', 'refused'])
      .select('s.token_id', 'c.state');
    for (const row of rows) if (result.get(row.token_id) !== 'active') result.set(row.token_id, row.state);
    return result;
  }

  /** Which of these tokens have a sealed copy of an active credential. */
  async tokensWithActive(tokenIds: readonly string[]): Promise<Set<string>> {
    if (tokenIds.length === 0) return new Set();
    const rows: Array<{ token_id: string }> = await this.db('sealed_site_credentials as s')
      .join('site_credentials as c', 'c.id', 's.credential_id')
      .whereIn('s.token_id', tokenIds)
      .where('c.state', 'active')
      .select('s.token_id');
    return new Set(rows.map((r) => r.token_id));
  }

  async setState(id: string, state: SiteCredentialState, at: Date): Promise<void> {
    await this.db('site_credentials')
      .where({ id })
      .update({ state, state_changed_at: toMillis(at) });
  }

  /** Credentials to delete on the site: retired ones, and those no API token can open any more. */
  async deletable(ownerKey?: string): Promise<SiteCredentialRecord[]> {
    const query = this.db('site_credentials as c')
      .where((q) =>
        q
          .where('c.state', 'retired')
          .orWhereNotExists(this.db('sealed_site_credentials as s').whereRaw('s.credential_id = c.id')),
      )
      .select('c.*');
    if (ownerKey !== undefined) query.where('c.owner_key', ownerKey);
    const rows: CredentialRow[] = await query;
    return rows.map(mapRow);
  }

  async remove(id: string): Promise<void> {
    await this.db('site_credentials').where({ id }).delete();
  }
}
