import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Product } from './flavours.ts';
import { LoginGuard } from './login-guard.ts';
import { SessionStore } from './sessions.ts';
import { Directory } from './users.ts';

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
  private readonly tokens = new Map<string, string>();

  constructor(readonly product: Product) {
    this.directory = new Directory(product);
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

  /** A site personal access token (Jira 8.14+/Confluence 7.9+): 44 base64 characters, `<id>:<secret>`. */
  createPersonalAccessToken(user: string): string {
    const u = this.directory.require(user);
    const id = String(randomInt(100_000_000_000, 999_999_999_999));
    const token = Buffer.concat([Buffer.from(`${id}:`), randomBytes(20)]).toString('base64');
    this.tokens.set(hashPat(token), u.name);
    return token;
  }

  /** The owner of a personal access token, or undefined; only a hash of each token is kept. */
  patOwner(token: string): string | undefined {
    return this.tokens.get(hashPat(token));
  }

  logRequest(entry: LoggedRequest): void {
    this.requests.push(entry);
    if (this.requests.length > REQUEST_LOG_SIZE)
      this.requests.splice(0, this.requests.length - REQUEST_LOG_SIZE);
  }
}

function hashPat(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
