// What the validation plane, the directory and the cluster code tell the metrics. Interfaces only:
// those modules are handed an observer by the wiring and never import prom-client themselves, so
// they stay testable without a registry and cost nothing when no observer is given.

/** The three fields of a decision that the metrics count by (all from fixed vocabularies). */
export interface DecisionLabels {
  decision: 'allow' | 'deny';
  /** null when the credential was too malformed to tell (server/authz/decision-engine.ts). */
  mode: string | null;
  reason: string;
}

export interface AuthzObserver {
  /** After every decision, with the seconds from the request reaching check() to its answer. */
  decided(decision: DecisionLabels, seconds: number): void;
  /** A token answered from the decision cache. */
  cacheHit(): void;
  /** A token that had to be looked up in the store (and perhaps the site). */
  cacheMiss(): void;
  /** A key went from not blocked to blocked. */
  blockStarted(kind: 'address' | 'user'): void;
  /** An audit record was dropped because the queue was full. */
  auditDropped(): void;
}

/** Which directory lookup went to the site (a cache miss). */
export type SiteLookup = 'user' | 'user-key' | 'who-am-i';

export interface DirectoryObserver {
  /** After every lookup that asked the site; `failure` is what it threw, if it did. */
  siteLookup(lookup: SiteLookup, seconds: number, failure?: unknown): void;
}

/** For the cross-instance invalidation (PostgreSQL LISTEN/NOTIFY, server/cluster). */
export interface ClusterObserver {
  /** Seconds between another instance sending a change and this one hearing it. */
  notificationLag(seconds: number): void;
}
