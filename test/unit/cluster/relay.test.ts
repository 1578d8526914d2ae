import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { ClusterMessage } from '../../../server/cluster/messages.ts';
import type { NotifierEvents } from '../../../server/cluster/pg-notifier.ts';
import { startRelay, UNHEARD_MAX_AGE_MS } from '../../../server/cluster/relay.ts';
import { createServiceEvents } from '../../../server/services/events.ts';
import { defaultSettings } from '../../../server/services/settings-service.ts';
import type { Settings } from '../../../server/services/types.ts';
import { defaultPermissions } from '../../../shared/permissions.ts';
import { manualTimers } from '../../support/manual-timers.ts';

/** A relay over fakes: what it publishes, flushes and reads. */
function relay(listening = true) {
  const events = createServiceEvents();
  const notifier = Object.assign(new EventEmitter<NotifierEvents>(), {
    listening,
    published: [] as ClusterMessage[],
    async publish(message: ClusterMessage) {
      this.published.push(message);
    },
  });
  let stored: Settings = defaultSettings();
  let cached: Settings | undefined;
  const settings = {
    get: vi.fn(async () => {
      cached ??= stored;
      return cached;
    }),
    invalidate: vi.fn(() => {
      cached = undefined;
    }),
  };
  const permissions = { get: vi.fn(async () => defaultPermissions()), invalidate: vi.fn() };
  const authz = { flush: vi.fn(), throttle: { adopt: vi.fn(), forget: vi.fn() } };
  const { timers, intervals } = manualTimers();
  const stop = startRelay({
    events,
    notifier,
    settings,
    permissions,
    authz,
    logger: pino({ level: 'silent' }),
    timers,
  });
  const store = (next: Settings) => {
    stored = next;
  };
  return { events, notifier, settings, permissions, authz, intervals, store, stop };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the cluster relay', () => {
  it('sends this companion’s changes as small messages', () => {
    const r = relay();
    r.events.emit('token.deleted', { tokenIds: ['t1', 't2'] });
    r.events.emit('tokens.capped', { expiresAt: new Date('2027-01-01T00:00:00Z') });
    r.events.emit('settings.changed', { settings: defaultSettings(), before: null });
    r.events.emit('permissions.changed', { permissions: defaultPermissions() });
    expect(r.notifier.published).toEqual([
      { kind: 'token.deleted', tokenIds: ['t1', 't2'] },
      { kind: 'tokens.capped', expiresAt: '2027-01-01T00:00:00.000Z' },
      { kind: 'settings.changed' },
      { kind: 'permissions.changed' },
    ]);
  });

  it('emits what it hears locally, and never sends it back', async () => {
    const r = relay();
    const deleted = vi.fn();
    r.events.on('token.deleted', deleted);
    r.notifier.emit('message', { kind: 'token.deleted', tokenIds: ['t9'] }, Date.now());
    expect(deleted).toHaveBeenCalledWith({ tokenIds: ['t9'] });

    const changed = vi.fn();
    r.events.on('settings.changed', changed);
    await r.settings.get();
    r.store({ ...defaultSettings(), forceReadOnlyScope: true });
    r.notifier.emit('message', { kind: 'settings.changed' }, Date.now());
    await settled();
    // Read again from the store, not from the cache that held the old document.
    expect(r.settings.invalidate).toHaveBeenCalled();
    expect(changed).toHaveBeenCalledWith({
      settings: expect.objectContaining({ forceReadOnlyScope: true }),
      before: expect.objectContaining({ forceReadOnlyScope: false }),
    });
    expect(r.notifier.published).toEqual([]);
  });

  it('passes blocks and lifts to the throttle', () => {
    const r = relay();
    r.notifier.emit(
      'message',
      { kind: 'throttle.blocked', throttle: 'address', key: '192.0.2.1', failures: 31, msLeft: 900_000 },
      Date.now(),
    );
    r.notifier.emit('message', { kind: 'throttle.lifted', throttle: 'user', key: 'alice' }, Date.now());
    expect(r.authz.throttle.adopt).toHaveBeenCalledWith('address', '192.0.2.1', 31, 900_000);
    expect(r.authz.throttle.forget).toHaveBeenCalledWith('user', 'alice');
  });

  it('deaf, flushes and keeps caches short; hearing again, flushes and restores them', () => {
    const r = relay();
    r.notifier.emit('down');
    expect(r.authz.flush).toHaveBeenLastCalledWith(UNHEARD_MAX_AGE_MS);
    expect(r.settings.invalidate).toHaveBeenCalledTimes(1);
    // Every second the documents' caches are emptied, so the snapshot's refresh reads the store.
    expect(r.intervals()).toHaveLength(1);
    r.intervals()[0]?.run();
    expect(r.settings.invalidate).toHaveBeenCalledTimes(2);
    expect(r.permissions.invalidate).toHaveBeenCalledTimes(2);
    r.notifier.emit('up');
    expect(r.authz.flush).toHaveBeenLastCalledWith();
    expect(r.settings.invalidate).toHaveBeenCalledTimes(3);
  });

  it('starts deaf when the listen connection is not up yet', () => {
    const r = relay(false);
    expect(r.authz.flush).toHaveBeenCalledWith(UNHEARD_MAX_AGE_MS);
  });

  it('stops sending once stopped', () => {
    const r = relay();
    r.stop();
    r.events.emit('token.deleted', { tokenIds: ['t1'] });
    expect(r.notifier.published).toEqual([]);
  });
});
