// The system-wide settings document: defaults in code, one audited row in the store, its shape the
// Settings schema of shared/api.ts. Saving a lowered maximum may cap the tokens that outlive it:
// the save, the cap and their audit records are one transaction.
import { Settings as SettingsSchema } from '../../shared/api.ts';
import { DEFAULT_MAX_VALIDITY } from '../../shared/validity.ts';
import { AuditedDocument, type AuditedDocumentDeps } from './audited-document.ts';
import type { ServiceEvents } from './events.ts';
import { announceCap, capOutliving } from './token-cap.ts';
import type { RequestContext, Settings } from './types.ts';

export function defaultSettings(): Settings {
  return {
    maxValidity: DEFAULT_MAX_VALIDITY,
    ipAllowlist: [],
    reverseProxy: { enabled: false, trustedProxies: [], clientIpHeader: 'X-Forwarded-For' },
    passwordBasicAuth: true,
    auditAuthentications: false,
    forceReadOnlyScope: false,
    siteCredentialMode: 'site-token',
  };
}

export interface SettingsServiceDeps extends AuditedDocumentDeps {
  events: ServiceEvents;
}

export interface SettingsUpdate {
  settings: Settings;
  /** Existing tokens that outlive the (new) maximum, counted from now. */
  exceedingTokens: number;
  /** Of those, how many now expire at the maximum (only with capExistingTokens). */
  cappedTokens: number;
}

export class SettingsService {
  private readonly document: AuditedDocument<Settings>;

  constructor(private readonly deps: SettingsServiceDeps) {
    this.document = new AuditedDocument(deps, {
      kind: 'settings',
      schema: SettingsSchema,
      defaults: defaultSettings,
    });
  }

  get(): Promise<Settings> {
    return this.document.get();
  }

  /** The next get() reads the store (another companion saved the settings: server/cluster). */
  invalidate(): void {
    this.document.invalidate();
  }

  /**
   * Saves the whole document (audited with before and after), reports the tokens that outlive its
   * maximum and, with `capExistingTokens`, caps them, audited as `tokens.capped`: all in one
   * transaction, so a failed cap leaves the settings as they were.
   */
  async update(
    next: Settings,
    ctx: RequestContext,
    options: { capExistingTokens?: boolean } = {},
  ): Promise<SettingsUpdate> {
    const now = this.deps.clock();
    const cap = options.capExistingTokens ?? false;
    const { before, after, extra } = await this.document.save(next, ctx, async (repos, saved) => {
      const result = await capOutliving(repos, saved.maxValidity, now, cap);
      if (result.capped > 0) {
        await this.deps.audit.record(
          {
            actor: ctx.actor,
            action: 'tokens.capped',
            remoteIp: ctx.remoteIp,
            details: { maxValidity: saved.maxValidity, capped: result.capped, expiresAt: result.limit },
          },
          repos,
        );
      }
      return result;
    });
    const result = extra ?? { exceeding: 0, capped: 0, limit: null };
    this.deps.events.emit('settings.changed', { settings: after, before });
    announceCap(this.deps, after.maxValidity, result);
    return { settings: after, exceedingTokens: result.exceeding, cappedTokens: result.capped };
  }
}
