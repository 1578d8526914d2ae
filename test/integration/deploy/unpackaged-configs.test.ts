import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_TARGETS, QUERY_CREDENTIAL_TARGETS } from '../../e2e/deploy/targets.ts';

// Traefik and Envoy are not packaged for these machines, so their files cannot run here the way
// nginx's and Caddy's do (test/e2e/deploy). What can be checked is that they state the same rules:
// the same requests count as credentialed, and those answers lose the site's cookies.

const deploy = (file: string) =>
  readFileSync(path.resolve(import.meta.dirname, '../../../deploy', file), 'utf8');

/** One line of a shipped file, found by what it must contain; fails when it moved or went. */
function lineWith(text: string, marker: RegExp): string {
  const line = text.split('\n').find((candidate) => marker.test(candidate));
  if (line === undefined) throw new Error(`no line matches ${marker}`);
  return line;
}

describe('the shipped Envoy config', () => {
  const envoy = deploy('envoy/envoy.yaml');
  // The route's RE2 pattern, unquoted from YAML; RE2's full match is JavaScript's ^…$, and its
  // leading (?i) is JavaScript's i flag.
  const quoted = /regex: "(.*)"$/.exec(lineWith(envoy, /^\s+regex: "\(\?i\)/))?.[1] ?? '';
  const pattern = new RegExp(`^(?:${quoted.replaceAll('\\\\', '\\').replace(/^\(\?i\)/, '')})$`, 'i');

  it.each(QUERY_CREDENTIAL_TARGETS)('checks %s', (target) => {
    expect(pattern.test(target)).toBe(true);
  });

  it.each(BROWSER_TARGETS)('lets %s through unchecked', (target) => {
    expect(pattern.test(target)).toBe(false);
  });

  it('drops the site’s cookies on both credential routes, and sets the client address from the peer', () => {
    expect(
      envoy.match(/response_headers_to_remove: (?:&no_site_session \[set-cookie\]|\*no_site_session)/g),
    ).toHaveLength(2);
    for (const header of ['x-real-ip', 'x-forwarded-for']) {
      expect(envoy).toMatch(
        new RegExp(
          `key: ${header}, value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%" \\}\\s+append_action: OVERWRITE_IF_EXISTS_OR_ADD`,
        ),
      );
      expect(envoy).toMatch(
        new RegExp(`- key: ${header}\\s+value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"`),
      );
    }
  });

  it('sets on the site request what the companion’s allow carries: the site PAT or the identity', () => {
    const allowed = envoy.slice(
      envoy.indexOf('allowed_upstream_headers:'),
      envoy.indexOf('allowed_client_headers:'),
    );
    for (const header of ['x-forwarded-user', 'authorization']) {
      expect(allowed).toContain(`{ exact: ${header}, ignore_case: true }`);
    }
    // Removing the token and the cookie is the companion's part (x-envoy-auth-headers-to-remove).
    expect(allowed).not.toContain('cookie');
  });

  it('hides the validation endpoints and the metrics from clients (404)', () => {
    expect(envoy).toMatch(
      /- match: \{ prefix: "\/api-token-auth\/authz\/" \}\s+direct_response: \{ status: 404 \}/,
    );
    expect(envoy).toMatch(
      /- match: \{ prefix: "\/api-token-auth\/metrics", case_sensitive: false \}\s+direct_response: \{ status: 404 \}/,
    );
  });

  it('normalises every path before routing and refuses encoded slashes', () => {
    expect(envoy).toMatch(/^\s+normalize_path: true$/m);
    expect(envoy).toMatch(/^\s+merge_slashes: true$/m);
    expect(envoy).toMatch(/^\s+path_with_escaped_slashes_action: REJECT_REQUEST$/m);
  });
});

describe('the shipped Traefik config', () => {
  const traefik = deploy('traefik/api-token-auth.yml');
  const router = traefik.slice(traefik.indexOf('site-with-credentials:'), traefik.indexOf('    site:'));

  it('checks Seraph’s query parameters like an Authorization header, and drops the site’s cookies', () => {
    for (const name of ['os_username', 'os_password', 'os_authType']) {
      expect(router).toContain(`QueryRegexp(\`${name}\`, \`.*\`)`);
    }
    expect(lineWith(router, /middlewares:/)).toContain('no-site-session');
    expect(traefik).toMatch(/no-site-session:\s+headers:\s+customResponseHeaders:\s+Set-Cookie: ""/);
  });

  it('sends the client address the entry point set to the check, and hides the endpoints from everyone', () => {
    expect(lineWith(traefik, /authRequestHeaders:/)).toContain('X-Real-Ip');
    expect(traefik).toMatch(/trustForwardHeader: false/);
    expect(traefik).toMatch(/nobody:\s+ipAllowList:\s+sourceRange: \["0\.0\.0\.0\/32"\]/);
    const hidden = traefik.slice(
      traefik.indexOf('api-token-auth-hidden:'),
      traefik.indexOf('\n  middlewares:\n'),
    );
    expect(lineWith(hidden, /rule:/)).toContain('PathPrefix(`/api-token-auth/authz/`)');
    const metrics = /PathRegexp\(`\(\?i\)(.*?)`\)/.exec(lineWith(hidden, /rule:/))?.[1] ?? '';
    for (const target of ['/api-token-auth/metrics', '/api-token-auth/METRICS', '/api-token-auth/metrics/']) {
      expect(new RegExp(metrics, 'i').test(target), target).toBe(true);
    }
    expect(lineWith(hidden, /middlewares:/)).toContain('nobody');
  });

  it('replaces the client’s Authorization, identity header and cookies with what the companion returns', () => {
    // Traefik deletes each listed header and sets it again only from the answer: the site PAT (or
    // the password echoed back), the identity in identity-header mode, never a cookie.
    const listed = lineWith(traefik, /authResponseHeaders:/);
    for (const header of ['X-Forwarded-User', 'Authorization', 'Cookie']) expect(listed).toContain(header);
    expect(lineWith(traefik, /authRequestHeaders:/)).not.toContain('Cookie');
  });
});
