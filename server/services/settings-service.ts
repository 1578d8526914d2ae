// The system-wide settings document: defaults in code, one row in the store, audited with
// before/after on every change, read through a short cache (the validation plane asks per request).
import type { Logger } from 'pino';
import { DEFAULT_MAX_VALIDITY } from '../../shared/validity.ts';
import type { Store } from '../store/index.ts';
import type { AuditService } from './audit-service.ts';
import { CachedValue } from './cached-value.ts';
import type { ServiceEvents } from './events.ts';
import type { RequestContext, Settings } from './types.ts';

export function defaultSettings(): Settings {
  return {
    maxValidity: DEFAULT_MAX_VALIDITY,
    ipAllowlist: [],
    reverseProxy: { enabled: false, trustedProxies: [], clientIpHeader: 'X-Forwarded-For' },
    passwordBasicAuth: true,
    auditAuthentications: false,
    forceReadOnlyScope: false,
  };
}

/** Takes the known fields only; a document written by an older version gets defaults for newer ones. */
function withDefaults(stored: unknown): Settings {
  const d = defaultSettings();
  const doc = (typeof stored === 'object' && stored !== null ? stored : {}) as Partial<Settings>;
  const proxy: Partial<Settings['reverseProxy']> = doc.reverseProxy ?? {};
  return {
    maxValidity: doc.maxValidity ?? d.maxValidity,
    ipAllowlist: doc.ipAllowlist ?? d.ipAllowlist,
    reverseProxy: {
      enabled: proxy.enabled ?? d.reverseProxy.enabled,
      trustedProxies: proxy.trustedProxies ?? d.reverseProxy.trustedProxies,
      clientIpHeader: proxy.clientIpHeader ?? d.reverseProxy.clientIpHeader,
    },
    passwordBasicAuth: doc.passwordBasicAuth ?? d.passwordBasicAuth,
    auditAuthentications: doc.auditAuthentications ?? d.auditAuthentications,
    forceReadOnlyScope: doc.forceReadOnlyScope ?? d.forceReadOnlyScope,
  };
}

export interface SettingsServiceDeps {
  store: Store;
  clock: () => Date;
  logger: Logger;
  events: ServiceEvents;
  audit: AuditService;
  cacheMs?: number;
}

export class SettingsService {
  private readonly current: CachedValue<Settings>;

  constructor(private readonly deps: SettingsServiceDeps) {
    const load = () => deps.store.settings.get().then((row) => withDefaults(row?.document));
    this.current = new CachedValue(load, deps.clock, deps.cacheMs ?? 5_000);
  }

  get(): Promise<Settings> {
    return this.current.get();
  }

  /** Saves the whole document and returns it; the change is audited with before and after. */
  async update(next: Settings, ctx: RequestContext): Promise<Settings> {
    const before = await this.get();
    const settings = withDefaults(next);
    const at = this.deps.clock();
    await this.deps.store.transaction(async (repos) => {
      await repos.settings.put(settings, ctx.actor.toLowerCase(), at);
      await this.deps.audit.record(
        {
          actor: ctx.actor,
          action: 'settings.changed',
          remoteIp: ctx.remoteIp,
          details: { before, after: settings },
        },
        repos,
      );
    });
    this.current.set(settings);
    this.deps.logger.info({ actor: ctx.actor }, 'settings changed');
    this.deps.events.emit('settings.changed', { settings, before });
    return settings;
  }
}
