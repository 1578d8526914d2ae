import type { Product } from './flavours.ts';
import { LoginGuard } from './login-guard.ts';
import { DEFAULT_PAT_SETTINGS, type PatRecord, type PatRequest, type PatSettings, PatStore } from './pats.ts';
import { SessionStore } from './sessions.ts';
import { Directory, type SimUser } from './users.ts';

export type AuthMethod = 'session' | 'basic' | 'bearer' | 'header' | 'anonymous';

export interface LoggedRequest {
  method: string;
  /** Path inside the site, without the context path and query, e.g. `/rest/api/2/myself`. */
  path: string;
  user: string | null;
  authMethod: AuthMethod;
  /** The scheme of the Authorization header the site received (`basic`, `bearer`), null without one. */
  authorization: string | null;
  status: number;
  /** TCP peer address, as the site saw it. */
  ip: string;
  at: Date;
}

const REQUEST_LOG_SIZE = 1000;

/** Everything a test may inspect or change on a running simulated site. */
export class SimState {
  readonly directory: Directory;
  readonly guard = new LoginGuard();
  readonly sessions = new SessionStore();
  /** Newest last; capped so that a long demo does not grow without bound. */
  readonly requests: LoggedRequest[] = [];
  /** The PAT plugin's tokens; `pats.settings` may be changed while the site runs (e.g. `enabled = false`). */
  readonly pats: PatStore;

  constructor(
    readonly product: Product,
    options: { pats?: Partial<PatSettings>; now?: () => Date } = {},
  ) {
    this.directory = new Directory(product);
    this.pats = new PatStore({ ...DEFAULT_PAT_SETTINGS, ...options.pats }, options.now ?? (() => new Date()));
  }

  failedLoginCount(user: string): number {
    return this.guard.count(user);
  }

  resetFailedLogins(user?: string): void {
    this.guard.reset(user);
  }

  setActive(user: string, active: boolean): void {
    const u = this.directory.require(user);
    u.active = active;
    if (!active) this.sessions.destroyFor(u.name);
  }

  /** Deletes a user as the products do: their sessions end with them (the keys are never reused). */
  deleteUser(user: string): void {
    this.sessions.destroyFor(this.directory.remove(user).name);
  }

  addToGroup(user: string, group: string): void {
    this.directory.require(user).groups.add(group);
    this.directory.groups.add(group);
  }

  removeFromGroup(user: string, group: string): void {
    this.directory.require(user).groups.delete(group);
  }

  /** The product's user key, which PATs belong to: it survives a rename, and a deleted user's is never reused. */
  userKey(user: SimUser): string {
    return this.product === 'jira' ? user.jiraKey : user.confluenceKey;
  }

  /** The current owner of a PAT; undefined once the user is deleted. */
  patOwner(record: PatRecord): SimUser | undefined {
    return this.product === 'jira'
      ? this.directory.byJiraKey(record.owner)
      : this.directory.byConfluenceKey(record.owner);
  }

  /**
   * A site personal access token for `user`, as they would create it on their profile page; returns the raw token
   * (shown once). The plugin's limits apply: it throws when the site would refuse the request.
   */
  createPersonalAccessToken(user: string, request: PatRequest = { name: 'simulator' }): string {
    const created = this.pats.create(this.userKey(this.directory.require(user)), request);
    if (!created.ok) throw new Error(`the site refuses the PAT (${created.status}): ${created.error}`);
    return created.rawToken;
  }

  /** The user's tokens as their profile page lists them (expired ones until pruned). */
  personalAccessTokens(user: string): PatRecord[] {
    return this.pats.ownedBy(this.userKey(this.directory.require(user)));
  }

  /** Revokes a token "on the site", as its owner does on the profile page; false if it was not theirs or is gone. */
  revokePersonalAccessToken(user: string, id: number): boolean {
    const key = this.userKey(this.directory.require(user));
    return this.pats.get(id)?.owner === key && this.pats.delete(id);
  }

  logRequest(entry: LoggedRequest): void {
    this.requests.push(entry);
    if (this.requests.length > REQUEST_LOG_SIZE)
      this.requests.splice(0, this.requests.length - REQUEST_LOG_SIZE);
  }
}
