import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Product } from './flavours.ts';

// The seed directory of every simulated site. Passwords equal user names (demo only).
export interface SimUser {
  name: string;
  /** Jira user key: the name for users created before 8.x, `JIRAUSER1xxxx` for newer ones. */
  jiraKey: string;
  /** Confluence user key: 32 hex characters. */
  confluenceKey: string;
  displayName: string;
  email: string;
  password: string;
  active: boolean;
  groups: Set<string>;
  /** Jira 10 colour mode picked in the user menu. */
  colorMode: 'light' | 'dark';
  /** What Jira reports as `loginInfo`. */
  logins: { count: number; last?: Date; previous?: Date };
}

interface Seed {
  name: string;
  displayName: string;
  active: boolean;
  groups: string[];
  legacyKey?: boolean;
}

const SEEDS: Seed[] = [
  { name: 'admin', displayName: 'Administrator', active: true, groups: ['administrators'], legacyKey: true },
  { name: 'alice', displayName: 'Alice Doe', active: true, groups: ['developers'] },
  { name: 'bob', displayName: 'Bob Smith', active: true, groups: ['developers'] },
  { name: 'carol', displayName: 'Carol Jones', active: true, groups: ['contractors'] },
  { name: 'dave', displayName: 'Dave Brown', active: false, groups: ['developers'] },
];

/** Compares digests in constant time, so response timing does not leak how much of a password matched. */
export function passwordMatches(user: SimUser, password: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(password), digest(user.password));
}

export function usersGroupName(product: Product): string {
  return product === 'jira' ? 'jira-software-users' : 'confluence-users';
}

export function adminGroupName(product: Product): string {
  return product === 'jira' ? 'jira-administrators' : 'confluence-administrators';
}

export interface NewUser {
  displayName?: string;
  active?: boolean;
  groups?: string[];
}

export class Directory {
  readonly users = new Map<string, SimUser>();
  readonly groups = new Set<string>();
  /** Jira numbers new users' keys upwards and never hands out a key again, deleted users' included. */
  private nextJiraId = 10100 + SEEDS.length;

  constructor(readonly product: Product) {
    this.groups
      .add(usersGroupName(product))
      .add(adminGroupName(product))
      .add('developers')
      .add('contractors');
    SEEDS.forEach((seed, index) => {
      const groups = new Set(seed.groups.map((g) => (g === 'administrators' ? adminGroupName(product) : g)));
      groups.add(usersGroupName(product));
      this.users.set(seed.name, {
        name: seed.name,
        jiraKey: seed.legacyKey ? seed.name : `JIRAUSER${10100 + index}`,
        confluenceKey: createHash('md5').update(`user:${seed.name}`).digest('hex'),
        displayName: seed.displayName,
        email: `${seed.name}@example.com`,
        password: seed.name,
        active: seed.active,
        groups,
        colorMode: 'light',
        logins: { count: 0 },
      });
    });
  }

  /**
   * A user created now: a fresh key in both products (Jira `JIRAUSER1xxxx`, Confluence 32 random hex
   * characters), so a new user given a deleted user's name is a different user. The password is the name.
   */
  add(name: string, options: NewUser = {}): SimUser {
    if (this.get(name)) throw new Error(`simulator user exists already: ${name}`);
    const groups = new Set([usersGroupName(this.product), ...(options.groups ?? [])]);
    for (const group of groups) this.groups.add(group);
    const user: SimUser = {
      name,
      jiraKey: `JIRAUSER${this.nextJiraId++}`,
      confluenceKey: randomBytes(16).toString('hex'),
      displayName: options.displayName ?? name,
      email: `${name.toLowerCase()}@example.com`,
      password: name,
      active: options.active ?? true,
      groups,
      colorMode: 'light',
      logins: { count: 0 },
    };
    this.users.set(name.toLowerCase(), user);
    return user;
  }

  /**
   * Renames a user as both products' user management does: the keys, the password, the groups and
   * everything else stay; only the name changes.
   */
  rename(from: string, to: string): SimUser {
    const user = this.require(from);
    if (this.get(to) && this.get(to) !== user) throw new Error(`simulator user exists already: ${to}`);
    this.users.delete(user.name.toLowerCase());
    user.name = to;
    this.users.set(to.toLowerCase(), user);
    return user;
  }

  /** Deletes a user; their keys are never given to anyone else. */
  remove(name: string): SimUser {
    const user = this.require(name);
    this.users.delete(user.name.toLowerCase());
    return user;
  }

  /** User names are case-insensitive in both products. */
  get(name: string | null | undefined): SimUser | undefined {
    return name ? this.users.get(name.toLowerCase()) : undefined;
  }

  byJiraKey(key: string): SimUser | undefined {
    return [...this.users.values()].find((u) => u.jiraKey.toLowerCase() === key.toLowerCase());
  }

  byConfluenceKey(key: string): SimUser | undefined {
    return [...this.users.values()].find((u) => u.confluenceKey === key);
  }

  isAdmin(user: SimUser): boolean {
    return user.groups.has(adminGroupName(this.product));
  }

  members(group: string): SimUser[] {
    return [...this.users.values()].filter((u) => u.groups.has(group));
  }

  sortedGroups(user: SimUser): string[] {
    return [...user.groups].sort();
  }

  require(name: string): SimUser {
    const user = this.get(name);
    if (!user) throw new Error(`unknown simulator user: ${name}`);
    return user;
  }
}
