// Carries this companion's change events to the others and theirs to this one's subscribers. A
// change made here is applied here by the local event before it is even sent; one heard from
// another companion is re-read from the store and emitted locally, so the decision cache and the
// settings snapshot react to both the same way.
import type { Logger } from 'pino';
import type { PermissionsDocument } from '../../shared/permissions.ts';
import type { ServiceEvents } from '../services/events.ts';
import type { Settings } from '../services/types.ts';
import { realTimers, type Timers } from '../timers.ts';
import type { ClusterMessage } from './messages.ts';
import type { NotifierEvents } from './pg-notifier.ts';

/** While changes from other companions cannot be heard, no cached answer is older than this. */
export const UNHEARD_MAX_AGE_MS = 1_000;

interface Document<T> {
  get(): Promise<T>;
  /** Forgets the cached document, so the next get() reads the store. */
  invalidate(): void;
}

export interface RelayParts {
  events: ServiceEvents;
  settings: Document<Settings>;
  permissions: Document<PermissionsDocument>;
  authz: {
    /** Drops cached decisions and the settings snapshot; keeps both at most maxAgeMs (undefined: as usual). */
    flush(maxAgeMs?: number): void;
    throttle: {
      adopt(kind: 'address' | 'user', key: string, failures: number, msLeft: number): void;
      forget(kind: 'address' | 'user', key: string): void;
    };
  };
  notifier: {
    readonly listening: boolean;
    publish(message: ClusterMessage): Promise<void>;
    on<K extends keyof NotifierEvents>(event: K, listener: (...args: NotifierEvents[K]) => void): unknown;
    off<K extends keyof NotifierEvents>(event: K, listener: (...args: NotifierEvents[K]) => void): unknown;
  };
  logger: Logger;
  timers?: Timers;
  /** Told how late each heard change arrived (ms from its sending), e.g. for a metric. */
  onLag?: (ms: number) => void;
}

/** Starts relaying; returns the function that stops it. */
export function startRelay(parts: RelayParts): () => void {
  const { events, notifier, authz, logger } = parts;
  const timers = parts.timers ?? realTimers;
  // Set while a heard change is emitted locally (emit is synchronous), so it is not sent back.
  let relaying = false;
  const emitHeard = (emit: () => void) => {
    relaying = true;
    try {
      emit();
    } finally {
      relaying = false;
    }
  };
  const send = (message: ClusterMessage) => {
    if (!relaying) void notifier.publish(message);
  };

  const onDeleted = ({ tokenIds }: { tokenIds: string[] }) => send({ kind: 'token.deleted', tokenIds });
  const onCapped = ({ expiresAt }: { expiresAt: Date }) =>
    send({ kind: 'tokens.capped', expiresAt: expiresAt.toISOString() });
  const onSettings = () => send({ kind: 'settings.changed' });
  const onPermissions = () => send({ kind: 'permissions.changed' });
  events.on('token.deleted', onDeleted);
  events.on('tokens.capped', onCapped);
  events.on('settings.changed', onSettings);
  events.on('permissions.changed', onPermissions);

  // Re-reads run one after another per document, so a slow earlier read never wins over a later one.
  const rereads: Record<'settings' | 'permissions', Promise<void>> = {
    settings: Promise.resolve(),
    permissions: Promise.resolve(),
  };
  const reread = <T>(
    name: 'settings' | 'permissions',
    doc: Document<T>,
    emit: (after: T, before: T | null) => void,
  ) => {
    rereads[name] = rereads[name].then(async () => {
      const before = await doc.get().catch(() => null);
      doc.invalidate();
      try {
        const after = await doc.get();
        emitHeard(() => emit(after, before));
      } catch (err) {
        // The snapshot must not keep what another companion just replaced: the next request reads.
        logger.error(
          { err, event: 'cluster.reread_failed', document: name },
          `could not re-read the ${name} another companion changed`,
        );
        authz.flush();
      }
    });
  };

  const onMessage = (message: ClusterMessage, sentAt: number) => {
    parts.onLag?.(Math.max(0, Date.now() - sentAt));
    switch (message.kind) {
      case 'token.deleted':
        emitHeard(() => events.emit('token.deleted', { tokenIds: message.tokenIds }));
        break;
      case 'tokens.capped':
        emitHeard(() => events.emit('tokens.capped', { expiresAt: new Date(message.expiresAt) }));
        break;
      case 'settings.changed':
        reread('settings', parts.settings, (settings, before) =>
          events.emit('settings.changed', { settings, before }),
        );
        break;
      case 'permissions.changed':
        reread('permissions', parts.permissions, (permissions) =>
          events.emit('permissions.changed', { permissions }),
        );
        break;
      case 'throttle.blocked':
        authz.throttle.adopt(message.throttle, message.key, message.failures, message.msLeft);
        break;
      case 'throttle.lifted':
        authz.throttle.forget(message.throttle, message.key);
        break;
    }
  };

  // While deaf: every cache it protects is dropped and then kept short. The documents' own
  // caches are emptied every UNHEARD_MAX_AGE_MS, so the snapshot's refresh reads the store.
  let expiring: unknown;
  const forgetDocuments = () => {
    parts.settings.invalidate();
    parts.permissions.invalidate();
  };
  const onDown = () => {
    forgetDocuments();
    authz.flush(UNHEARD_MAX_AGE_MS);
    timers.clearInterval(expiring);
    expiring = timers.setInterval(forgetDocuments, UNHEARD_MAX_AGE_MS);
  };
  const onUp = () => {
    if (expiring === undefined) return;
    timers.clearInterval(expiring);
    expiring = undefined;
    // What changed while deaf was not heard: start again from the store, with the usual lifetimes.
    forgetDocuments();
    authz.flush();
    logger.info(
      { event: 'cluster.listen_restored' },
      'hearing changes made by other companions again; usual cache lifetimes',
    );
  };
  notifier.on('message', onMessage);
  notifier.on('down', onDown);
  notifier.on('up', onUp);
  if (!notifier.listening) onDown();

  return () => {
    events.off('token.deleted', onDeleted);
    events.off('tokens.capped', onCapped);
    events.off('settings.changed', onSettings);
    events.off('permissions.changed', onPermissions);
    notifier.off('message', onMessage);
    notifier.off('down', onDown);
    notifier.off('up', onUp);
    timers.clearInterval(expiring);
  };
}
