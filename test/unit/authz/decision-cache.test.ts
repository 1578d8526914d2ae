import { describe, expect, it } from 'vitest';
import { DecisionCache } from '../../../server/authz/decision-cache.ts';
import type { ResolvedToken } from '../../../server/authz/decision-engine.ts';
import { createServiceEvents } from '../../../server/services/events.ts';
import type { Settings } from '../../../server/services/types.ts';
import { defaultPermissions } from '../../../shared/permissions.ts';

const resolved = (id: string): ResolvedToken => ({
  token: {
    id,
    name: 'ci',
    owner: 'alice',
    scope: 'read-write',
    ipAllowlist: [],
    expiresAt: null,
    ownerKey: 'JIRAUSER10100',
  },
  user: { username: 'alice', key: 'JIRAUSER10100', active: true, groups: [], isAdmin: false },
  claimed: 'alice',
  siteAuthorization: null,
});
const settings = {} as Settings;

describe('DecisionCache', () => {
  it('keeps a positive result for its lifetime only', () => {
    let now = 0;
    const cache = new DecisionCache({ clock: () => new Date(now), ttlMs: 1000 });
    cache.set('secret-1', resolved('t1'));
    expect(cache.get('secret-1')).toEqual(resolved('t1'));
    expect(cache.get('secret-2')).toBeUndefined();
    now = 999;
    expect(cache.get('secret-1')).toBeDefined();
    now = 1000;
    expect(cache.get('secret-1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops exactly the deleted tokens, and everything on a settings or permissions change', () => {
    const events = createServiceEvents();
    const cache = new DecisionCache({ clock: () => new Date(0) });
    const stop = cache.subscribe(events);
    cache.set('s1', resolved('t1'));
    cache.set('s2', resolved('t2'));
    events.emit('token.deleted', { tokenIds: ['t1', 'unknown'] });
    expect(cache.get('s1')).toBeUndefined();
    expect(cache.get('s2')).toBeDefined();
    events.emit('settings.changed', { settings, before: settings });
    expect(cache.size).toBe(0);
    cache.set('s2', resolved('t2'));
    events.emit('permissions.changed', { permissions: defaultPermissions() });
    expect(cache.size).toBe(0);
    stop();
    cache.set('s2', resolved('t2'));
    events.emit('token.deleted', { tokenIds: ['t2'] });
    expect(cache.size).toBe(1);
  });

  it('drops every spelling of a deleted token at once', () => {
    const events = createServiceEvents();
    const cache = new DecisionCache({ clock: () => new Date(0) });
    cache.subscribe(events);
    // Bearer T, alice:T and ALICE:T are three Authorization values for one token.
    for (const spelling of ['Bearer T', 'Basic alice:T', 'Basic ALICE:T'])
      cache.set(spelling, resolved('t1'));
    cache.set('Bearer U', resolved('t2'));
    events.emit('token.deleted', { tokenIds: ['t1'] });
    for (const spelling of ['Bearer T', 'Basic alice:T', 'Basic ALICE:T']) {
      expect(cache.get(spelling)).toBeUndefined();
    }
    expect(cache.get('Bearer U')).toBeDefined();
    expect(cache.size).toBe(1);
  });

  it('stays bounded, dropping the oldest entry first', () => {
    const cache = new DecisionCache({ clock: () => new Date(0), maxEntries: 3 });
    for (const n of [1, 2, 3, 4]) cache.set(`s${n}`, resolved(`t${n}`));
    expect(cache.size).toBe(3);
    expect(cache.get('s1')).toBeUndefined();
    expect(cache.get('s4')).toBeDefined();
  });
});
