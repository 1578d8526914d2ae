import { generateToken } from '../../shared/token.ts';
import { type Check, CheckFailed, fail, ok, skip } from './check.ts';
import { type DoctorFacts, whoAmIPath } from './facts.ts';

// The reverse proxy, probed from outside like a client (--proxy-url, the site's public URL): a
// made-up token must be refused by the companion, a forged identity header must mean nothing, and
// the validation endpoints must not answer clients.
const SHIPPED = 'deploy/nginx/api-token-auth.conf (or deploy/caddy, deploy/traefik, deploy/envoy)';

async function probe(f: DoctorFacts, url: string, headers: Record<string, string>): Promise<Response> {
  try {
    return await f.fetch(url, {
      headers: { Accept: 'application/json', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(f.timeoutMs),
    });
  } catch (err) {
    throw new CheckFailed(
      `cannot reach the proxy at ${url} (${(err as Error).message})`,
      'check --proxy-url (the URL clients use, context path included)',
    );
  }
}

const asksCompanion: Check<DoctorFacts> = {
  id: 'proxy-asks-companion',
  title: 'Proxy asks the companion',
  async run(f) {
    const url = `${f.proxyUrl}${whoAmIPath(f.product)}`;
    const res = await probe(f, url, { Authorization: `Bearer ${generateToken()}` });
    await res.body?.cancel();
    const reason = res.headers.get('x-api-token-auth-reason');
    if ((res.status === 401 || res.status === 403) && reason)
      return ok(`a made-up API token was refused by the companion (${res.status}, ${reason})`);
    return fail(
      `a made-up API token got ${res.status} without X-Api-Token-Auth-Reason: the proxy sent it on without asking the companion`,
      `check every request with credentials against the companion first, as ${SHIPPED} does`,
    );
  },
};

const ignoresForgedIdentity: Check<DoctorFacts> = {
  id: 'proxy-identity-header',
  title: 'Proxy strips a forged identity',
  async run(f) {
    const header = f.config.identityHeader;
    const user = f.serviceUser?.username ?? 'admin';
    const res = await probe(f, `${f.proxyUrl}${whoAmIPath(f.product)}`, { [header]: user });
    const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    // Jira's /myself names the user; Confluence's /user/current says "known" for a signed-in one.
    const name = body?.type === 'known' ? body.username : body?.name;
    const as = res.status === 200 && typeof name === 'string' ? name : undefined;
    if (typeof as === 'string') {
      return fail(
        `a client's forged ${header}: ${user} was believed: the site answered as ${as}`,
        `remove ${header} from every client request in the proxy (nginx: proxy_set_header ${header} "";), as ${SHIPPED} does`,
      );
    }
    return ok(`a forged ${header}: ${user} did not authenticate (${res.status}, anonymous)`);
  },
};

const hidesValidation: Check<DoctorFacts> = {
  id: 'proxy-hides-authz',
  title: 'Proxy hides the check endpoints',
  async run(f) {
    const base = f.config.basePath;
    const path = `${base}/authz/auth-request`;
    const site = new URL(f.site.siteUrl).pathname.replace(/\/$/, '');
    const res = await probe(f, `${new URL(f.proxyUrl ?? '').origin}${path}`, {
      'X-Original-URI': `${site}${whoAmIPath(f.product)}`,
      'X-Original-Method': 'GET',
    });
    await res.body?.cancel();
    const answered = res.headers.get('x-api-token-auth-mode') ?? res.headers.get('x-api-token-auth-reason');
    if (answered !== null) {
      return fail(
        `${path} answered a client (${res.status}, ${answered}): anyone can ask the companion directly`,
        `refuse ${base}/authz/ to clients in the proxy (nginx: location ${base}/authz/ { return 404; }), as ${SHIPPED} does`,
      );
    }
    return ok(`${path} does not answer clients (${res.status})`);
  },
};

const notProbed: Check<DoctorFacts> = {
  id: 'proxy',
  title: 'Reverse proxy',
  run: async () => skip('not probed: give --proxy-url <the URL clients use> to check it'),
};

export function proxyChecks(f: Pick<DoctorFacts, 'proxyUrl'>): Check<DoctorFacts>[] {
  if (!f.proxyUrl) return [notProbed];
  return [asksCompanion, ignoresForgedIdentity, hidesValidation];
}
