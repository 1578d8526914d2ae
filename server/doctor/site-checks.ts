import { adminGroupsFor } from '../config.ts';
import { createDirectory, detectProduct } from '../directory/index.ts';
import type { SiteResponse } from '../directory/site-client.ts';
import { type Check, fail, ok, skip, warn } from './check.ts';
import { type DoctorFacts, siteName, whoAmIPath } from './facts.ts';

// The site: reachable and which one it is, its clock, and what the service credential may do there.
const SITE_PATH_FIX = (url: string) =>
  `check ATA_SITE_URL=${url} (the site's own base URL, context path included) and that this host can reach it`;
export const SERVICE_AUTH_FIX = 'set ATA_SERVICE_AUTH=Bearer <PAT of a user with Browse users permission>';
const WARN_SKEW_S = 30;
const FAIL_SKEW_S = 5 * 60;

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The version the site announces: Jira's serverInfo, Confluence's application links manifest. */
async function versionOf(f: DoctorFacts, jiraInfo: SiteResponse): Promise<string> {
  if (f.product === 'jira') {
    const body = jiraInfo.body as { version?: unknown; deploymentType?: unknown } | null;
    return [str(body?.version), str(body?.deploymentType)].filter(Boolean).join(' ') || 'version unknown';
  }
  const manifest = await f.site.get('/rest/applinks/1.0/manifest');
  return manifest.status === 200
    ? (str((manifest.body as { version?: unknown })?.version) ?? 'version unknown')
    : 'version unknown';
}

const reachable: Check<DoctorFacts> = {
  id: 'site',
  title: 'Site reachable',
  async run(f) {
    const started = f.now().getTime();
    let first: SiteResponse;
    try {
      first = await f.site.get('/rest/api/2/serverInfo');
    } catch (err) {
      return fail((err as Error).message, SITE_PATH_FIX(f.site.siteUrl));
    }
    const ms = f.now().getTime() - started;
    const date = first.headers.get('date');
    f.siteClock = { site: date ? new Date(date) : null, local: new Date(started + ms / 2) };
    try {
      f.product = f.config.product ?? (await detectProduct(f.site));
    } catch (err) {
      return fail(
        (err as Error).message,
        `${SITE_PATH_FIX(f.site.siteUrl)}, or set ATA_PRODUCT=jira|confluence`,
      );
    }
    f.directory = createDirectory({
      site: f.site,
      product: f.product,
      serviceAuth: f.config.serviceAuth,
      adminGroups: adminGroupsFor(f.config, f.product),
    });
    return ok(
      `${siteName(f.product)} ${await versionOf(f, first)} at ${f.site.siteUrl} (answered in ${ms} ms)`,
    );
  },
};

const clock: Check<DoctorFacts> = {
  id: 'clock',
  title: 'Clock against the site',
  async run(f) {
    if (!f.siteClock) return skip('the site did not answer');
    const { site, local } = f.siteClock;
    if (!site || Number.isNaN(site.getTime()))
      return warn('the site sent no readable Date header', 'check the clocks of both hosts by hand');
    // The header has whole seconds, cut off: the site's time was up to a second later.
    const skew = Math.round((site.getTime() + 500 - local.getTime()) / 1000);
    const detail = `the site's clock is ${Math.abs(skew)} s ${skew >= 0 ? 'ahead of' : 'behind'} this host's`;
    const fix =
      'synchronise both hosts with NTP (e.g. timedatectl set-ntp true): expiry and audit times depend on it';
    if (Math.abs(skew) > FAIL_SKEW_S) return fail(`${detail} (more than ${FAIL_SKEW_S / 60} min)`, fix);
    if (Math.abs(skew) > WARN_SKEW_S) return warn(`${detail} (more than ${WARN_SKEW_S} s)`, fix);
    return ok(detail);
  },
};

const credential: Check<DoctorFacts> = {
  id: 'service-credential',
  title: 'Service credential',
  async run(f) {
    if (!f.product || !f.directory) return skip('the site did not answer');
    const auth = f.config.serviceAuth;
    if (!auth)
      return fail(
        'ATA_SERVICE_AUTH is not set: the companion cannot look users and groups up',
        SERVICE_AUTH_FIX,
      );
    const path = whoAmIPath(f.product);
    const res = await f.site.get(path, { Authorization: auth });
    const proxyReason = res.headers.get('x-api-token-auth-reason');
    if (proxyReason) {
      return fail(
        `the reverse proxy in front of the site refused the service credential (${proxyReason})`,
        "set ATA_SITE_URL to the site's own address behind the proxy, or add the companion's address to the proxy's allowlist",
      );
    }
    const user = await f.directory.whoAmI({ authorization: auth });
    if (res.status !== 200 || !user) {
      return fail(
        `the site does not accept ATA_SERVICE_AUTH (GET ${path} answered ${res.status} or as anonymous): a mistyped, expired or revoked PAT, PATs switched off, or a wrong password`,
        SERVICE_AUTH_FIX,
      );
    }
    f.serviceUser = user;
    return ok(`accepted: the companion reads the site as ${user.username}`);
  },
};

export const siteChecks = [reachable, clock, credential];
