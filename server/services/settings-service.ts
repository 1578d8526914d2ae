// The system-wide settings document: defaults in code, one audited row in the store.
import { DEFAULT_MAX_VALIDITY } from '../../shared/validity.ts';
import { AuditedDocument, type AuditedDocumentDeps } from './audited-document.ts';
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

export interface SettingsServiceDeps extends AuditedDocumentDeps {
  events: ServiceEvents;
}

export class SettingsService {
  private readonly document: AuditedDocument<Settings>;

  constructor(private readonly deps: SettingsServiceDeps) {
    this.document = new AuditedDocument(deps, 'settings', withDefaults);
  }

  get(): Promise<Settings> {
    return this.document.get();
  }

  /** Saves the whole document and returns it; the change is audited with before and after. */
  async update(next: Settings, ctx: RequestContext): Promise<Settings> {
    const { before, after } = await this.document.save(next, ctx);
    this.deps.events.emit('settings.changed', { settings: after, before });
    return after;
  }
}
