import { probeSiteAudit } from '../audit-mirror/site-audit-api.ts';
import { adminGroupsFor } from '../config.ts';
import { type Check, CheckFailed, fail, ok, skip, warn } from './check.ts';
import type { DoctorFacts } from './facts.ts';
import { SERVICE_AUTH_FIX } from './site-checks.ts';

// What the service user may do on the site, asked the way the companion asks it (the directory's
// own calls), and whether the site has what the companion relies on: PATs, an audit REST.
const NEEDS_CREDENTIAL = 'needs a service credential the site accepts';

/** A refusal of the site (the directory's AppError) ends the check as a failure with `fix`. */
async function refusedAs<T>(fix: string, ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (err) {
    throw new CheckFailed((err as Error).message, fix);
  }
}

const browseUsers: Check<DoctorFacts> = {
  id: 'browse-users',
  title: 'Permission: browse users',
  async run(f) {
    const { directory, serviceUser: me } = f;
    if (!directory || !me) return skip(NEEDS_CREDENTIAL);
    const fix =
      f.product === 'jira'
        ? `grant ${me.username} the global permission "Browse users and groups", or ${SERVICE_AUTH_FIX}`
        : `give ${me.username} the "Can use" global permission, or ${SERVICE_AUTH_FIX}`;
    const found = await refusedAs(fix, () => directory.lookupUser(me.username));
    const listed = await refusedAs(fix, () => directory.searchUsers(me.username, 10));
    if (!found || !listed.some((u) => u.username.toLowerCase() === me.username.toLowerCase())) {
      return fail(
        `${me.username} cannot look users up (${found ? 'the user search' : 'the user lookup'} found nobody)`,
        fix,
      );
    }
    return ok(`a user lookup and a user search work for ${me.username}`);
  },
};

const readGroups: Check<DoctorFacts> = {
  id: 'read-groups',
  title: 'Permission: read groups',
  async run(f) {
    const { directory, serviceUser: me, product } = f;
    if (!directory || !me || !product) return skip(NEEDS_CREDENTIAL);
    const fix = `grant ${me.username} the global permission "Browse users and groups", or ${SERVICE_AUTH_FIX}`;
    const some = await refusedAs(fix, () => directory.searchGroups('', 5));
    if (some.length === 0) return fail(`${me.username} sees no groups on the site`, fix);
    const adminGroups = adminGroupsFor(f.config, product);
    const missing: string[] = [];
    for (const group of adminGroups) {
      if (!(await refusedAs(fix, () => directory.groupExists(group)))) missing.push(group);
    }
    if (missing.length === adminGroups.length) {
      return warn(
        `groups can be read, but none of the administrator groups exists (${missing.join(', ')})`,
        "set ATA_ADMIN_GROUPS=<the site's administrator groups, comma-separated>",
      );
    }
    return ok(
      `a group lookup works (administrator groups: ${adminGroups.filter((g) => !missing.includes(g)).join(', ')})`,
    );
  },
};

const MIRROR_OFF = 'ATA_AUDIT_MIRROR=off';
const adminFix = (f: DoctorFacts) =>
  `make ${f.serviceUser?.username ?? 'the service user'} a site administrator (a member of ${adminGroupsFor(f.config, f.product ?? 'jira').join(' or ')}), or set ${MIRROR_OFF}`;

const admin: Check<DoctorFacts> = {
  id: 'admin',
  title: 'Permission: administrator',
  async run(f) {
    const me = f.serviceUser;
    if (!me) return skip(NEEDS_CREDENTIAL);
    if (me.isAdmin) return ok(`${me.username} is a site administrator (audit mirroring needs one)`);
    if (!f.config.auditMirror)
      return ok(`${me.username} is no administrator; only audit mirroring needs one, and it is off`);
    return fail(`${me.username} is no site administrator, and ATA_AUDIT_MIRROR=on needs one`, adminFix(f));
  },
};

const pats: Check<DoctorFacts> = {
  id: 'pats',
  title: 'Personal access tokens',
  async run(f) {
    if (!f.product) return skip('the site did not answer');
    const auth = f.config.serviceAuth;
    const res = await f.site.get('/rest/pat/latest/tokens', auth ? { Authorization: auth } : {});
    if (res.status === 404) {
      return fail(
        'the site has no personal access tokens (GET /rest/pat/latest/tokens answered 404): switched off, or a version before Jira 8.14 / Confluence 7.9',
        'set the JVM property -Datlassian.pats.enabled=true on the site and restart it',
      );
    }
    if (res.status === 200) return ok('enabled (GET /rest/pat/latest/tokens answered 200)');
    return ok(
      `enabled (GET /rest/pat/latest/tokens answered ${res.status} to a credential it did not accept)`,
    );
  },
};

const auditMirror: Check<DoctorFacts> = {
  id: 'audit-mirror',
  title: 'Audit mirroring to the site',
  async run(f) {
    if (!f.config.auditMirror)
      return skip(
        `off (${MIRROR_OFF}): records stay in the companion's audit log; ATA_AUDIT_MIRROR=on copies them to the site's`,
      );
    if (!f.product) return skip('the site did not answer');
    if (!f.config.serviceAuth)
      return fail('needs ATA_SERVICE_AUTH of a site administrator', SERVICE_AUTH_FIX);
    const probe = await probeSiteAudit(f.site, f.product, f.config.serviceAuth);
    if (probe.state === 'available')
      return ok(`works: ${probe.checked} for the service user (the probe writes no record)`);
    if (probe.state === 'absent') return warn(`${probe.why} (${probe.checked})`, `set ${MIRROR_OFF}`);
    return fail(`${probe.why} (${probe.checked})`, adminFix(f));
  },
};

export const permissionChecks = [browseUsers, readGroups, admin, pats, auditMirror];
