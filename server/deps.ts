import type { Logger } from 'pino';
import type { AuthzService } from './authz/authz-service.ts';
import type { Cluster } from './cluster/index.ts';
import type { Config, Product } from './config.ts';
import type { Directory } from './directory/index.ts';
import type { CompanionMetrics } from './metrics/index.ts';
import type { AuditService } from './services/audit-service.ts';
import type { ServiceEvents } from './services/events.ts';
import type { PermissionService } from './services/permission-service.ts';
import type { SettingsService } from './services/settings-service.ts';
import type { TokenService } from './services/token-service.ts';
import type { SiteCredentialService } from './site-credentials/site-credential-service.ts';
import type { WebhookService } from './webhooks/webhook-service.ts';

/**
 * Everything a running companion is made of, built once by wireCompanion (server/wiring.ts) and
 * handed to the app and its routes. Nothing long-lived is created anywhere else.
 */
export interface CompanionDeps {
  config: Config;
  product: Product;
  logger: Logger;
  clock: () => Date;
  events: ServiceEvents;
  directory: Directory;
  tokens: TokenService;
  settings: SettingsService;
  permissions: PermissionService;
  audit: AuditService;
  // The validation plane: shared by the proxy endpoints, /api/v1/validate, the management API's
  // token checks and the throttle admin API, so all of them see one throttle and one cache.
  authz: AuthzService;
  // PostgreSQL only: how this companion hears the others' changes and shares their throttle.
  cluster?: Cluster;
  /** The owners' sealed site PATs (site-token mode): provisioned with the owner's session. */
  siteCredentials: SiteCredentialService;
  // This companion's metrics (its own registry), served at <base>/metrics (server/metrics).
  metrics: CompanionMetrics;
  /** The optional webhook (server/webhooks): its settings, test button and announcements. */
  webhooks: WebhookService;
  // Readiness of the database (throws when it cannot answer).
  checkDatabase(): Promise<void>;
  // Registers work to finish before the process exits (e.g. flushing batched last-used writes).
  onClose(hook: () => Promise<void>): void;
}
