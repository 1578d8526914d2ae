// The three token permissions: one audited stored document (defaults in code), evaluated by the
// validation plane on every token request.
import {
  defaultPermissions,
  evaluatePermissions,
  PERMISSION_NAMES,
  type PermissionGrant,
  type PermissionSet,
  type PermissionSubject,
  type PermissionsDocument,
} from '../../shared/permissions.ts';
import { AuditedDocument, type AuditedDocumentDeps } from './audited-document.ts';
import type { ServiceEvents } from './events.ts';
import type { RequestContext } from './types.ts';

/** Known permissions only, groups trimmed and de-duplicated (case-insensitively, first spelling kept). */
function normalise(stored: unknown): PermissionsDocument {
  const doc = defaultPermissions();
  const source = (
    typeof stored === 'object' && stored !== null ? stored : {}
  ) as Partial<PermissionsDocument>;
  for (const name of PERMISSION_NAMES) {
    const grant: Partial<PermissionGrant> = source[name] ?? {};
    const groups: string[] = [];
    for (const raw of grant.groups ?? []) {
      const group = raw.trim();
      if (group && !groups.some((g) => g.toLowerCase() === group.toLowerCase())) groups.push(group);
    }
    doc[name] = {
      everyone: grant.everyone ?? doc[name].everyone,
      groups: grant.groups ? groups : doc[name].groups,
    };
  }
  return doc;
}

export interface PermissionServiceDeps extends AuditedDocumentDeps {
  events: ServiceEvents;
}

export class PermissionService {
  private readonly document: AuditedDocument<PermissionsDocument>;

  constructor(private readonly deps: PermissionServiceDeps) {
    this.document = new AuditedDocument(deps, 'permissions', normalise);
  }

  get(): Promise<PermissionsDocument> {
    return this.document.get();
  }

  /** What a user holds; site administrators hold everything. */
  async evaluate(subject: PermissionSubject): Promise<PermissionSet> {
    return evaluatePermissions(await this.get(), subject);
  }

  /** Saves the whole document (audited with before and after) and returns it as stored. */
  async update(next: PermissionsDocument, ctx: RequestContext): Promise<PermissionsDocument> {
    const { after } = await this.document.save(next, ctx);
    this.deps.events.emit('permissions.changed', { permissions: after });
    return after;
  }
}
