// The three token permissions: one audited stored document (defaults in code, its shape the
// Permissions schema of shared/api.ts), evaluated by the validation plane on every token request.
// Here an admin saves permissions and gets warnings: the pure ones (shared/permissions.ts) and
// unknown groups, which need the site.
import { Permissions } from '../../shared/api.ts';
import {
  defaultPermissions,
  documentWarnings,
  evaluatePermissions,
  groupsOf,
  PERMISSION_NAMES,
  type PermissionSet,
  type PermissionSubject,
  type PermissionsDocument,
  type PermissionWarning,
  sameGroup,
} from '../../shared/permissions.ts';
import type { Directory } from '../directory/index.ts';
import { AuditedDocument, type AuditedDocumentDeps } from './audited-document.ts';
import type { ServiceEvents } from './events.ts';
import type { RequestContext } from './types.ts';

/** Each grant's groups once, case-insensitively (the sites compare them so), first spelling kept. */
function withoutRepeats(doc: PermissionsDocument): PermissionsDocument {
  const tidy = defaultPermissions();
  for (const name of PERMISSION_NAMES) {
    const groups: string[] = [];
    for (const group of doc[name].groups) if (!groups.some((g) => sameGroup(g, group))) groups.push(group);
    tidy[name] = { everyone: doc[name].everyone, groups };
  }
  return tidy;
}

/** The site is asked about every named group at once; each missing one is named per permission. */
async function unknownGroupWarnings(
  site: Pick<Directory, 'groupExists'>,
  doc: PermissionsDocument,
): Promise<PermissionWarning[]> {
  const groups = groupsOf(doc);
  const exists = await Promise.all(groups.map((group) => site.groupExists(group)));
  return groups
    .filter((_, i) => !exists[i])
    .flatMap((group) =>
      PERMISSION_NAMES.filter((p) => doc[p].groups.some((g) => sameGroup(g, group))).map(
        (permission): PermissionWarning => ({
          code: 'unknown_group',
          permission,
          message: `The group "${group}" does not exist on the site.`,
        }),
      ),
    );
}

export interface PermissionServiceDeps extends AuditedDocumentDeps {
  events: ServiceEvents;
  /** The site, asked whether the named groups exist. */
  site?: Pick<Directory, 'groupExists'>;
}

export class PermissionService {
  private readonly document: AuditedDocument<PermissionsDocument>;

  constructor(private readonly deps: PermissionServiceDeps) {
    this.document = new AuditedDocument(deps, {
      kind: 'permissions',
      schema: Permissions,
      defaults: defaultPermissions,
      tidy: withoutRepeats,
    });
  }

  get(): Promise<PermissionsDocument> {
    return this.document.get();
  }

  /** The next get() reads the store (another companion saved the permissions: server/cluster). */
  invalidate(): void {
    this.document.invalidate();
  }

  /** What a user holds; site administrators hold everything. */
  async evaluate(subject: PermissionSubject): Promise<PermissionSet> {
    return evaluatePermissions(await this.get(), subject);
  }

  /**
   * Saves the whole document (audited with before and after) and returns it as stored, with every
   * warning about it. Warnings never block the save; the site is asked first, so a site outage
   * (503) changes nothing.
   */
  async update(
    next: PermissionsDocument,
    ctx: RequestContext,
    site: Pick<Directory, 'groupExists'> | undefined = this.deps.site,
  ): Promise<{ permissions: PermissionsDocument; warnings: PermissionWarning[] }> {
    if (!site) throw new Error('PermissionService.update needs the site to check the named groups');
    const tidy = withoutRepeats(Permissions.parse(next));
    const warnings = [...documentWarnings(tidy), ...(await unknownGroupWarnings(site, tidy))];
    const { after } = await this.document.save(tidy, ctx);
    this.deps.events.emit('permissions.changed', { permissions: after });
    return { permissions: after, warnings };
  }
}
