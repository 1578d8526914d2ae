// In-process change notifications. The validation plane drops cached positive decisions on these,
// so a deleted token, a lowered maximum or a narrowed permission applies on the very next request.
import { EventEmitter } from 'node:events';
import type { PermissionsDocument } from '../../shared/permissions.ts';
import type { Settings, TokenRecord } from './types.ts';

export interface ServiceEventMap {
  'token.created': [{ token: TokenRecord }];
  'token.deleted': [{ tokenIds: string[] }];
  /** Every token that outlived `expiresAt` (never-expiring ones included) now expires then. */
  'tokens.capped': [{ expiresAt: Date }];
  /** `before` is null when the stored document it replaced was corrupted. */
  'settings.changed': [{ settings: Settings; before: Settings | null }];
  'permissions.changed': [{ permissions: PermissionsDocument }];
}

export type ServiceEvents = EventEmitter<ServiceEventMap>;

export function createServiceEvents(): ServiceEvents {
  return new EventEmitter<ServiceEventMap>();
}
