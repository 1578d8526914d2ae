// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../../extension/api-types.ts';
import { CompanionClient, CompanionError } from '../../../extension/companion-client.ts';
import { routeOf } from '../../../extension/content/features/panel-router.ts';
import { filterQuery } from '../../../extension/panels/admin/filter-field.tsx';
import { invalidEntries } from '../../../extension/panels/admin/ip-list-editor.tsx';
import { describeError } from '../../../extension/panels/error-message.tsx';
import { dateBoundary, expiresSoon } from '../../../extension/panels/format.ts';
import { mountPanel } from '../../../extension/panels/mount.tsx';
import { TokenTable } from '../../../extension/panels/token-table.tsx';
import { token } from './fixtures.ts';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-03-01T12:00:00Z');

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the token list', () => {
  it('badges tokens that expire within 7 days, and says when and from where a token was last used', () => {
    const soon = new Date(Date.now() + 3 * DAY).toISOString();
    const later = new Date(Date.now() + 30 * DAY).toISOString();
    const host = document.createElement('div');
    document.body.append(host);
    render(
      <TokenTable
        tokens={[
          token({
            id: '1',
            name: 'soon',
            expiresAt: soon,
            lastUsedAt: '2026-02-01T00:00:00Z',
            lastUsedIp: '10.0.0.7',
          }),
          token({ id: '2', name: 'later', expiresAt: later }),
          token({ id: '3', name: 'forever', createdBy: 'admin' }),
        ]}
        onDelete={async () => {}}
      />,
      host,
    );
    const rows = [...host.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.querySelector('.lozenge')?.textContent ?? null)).toEqual([
      'Expires soon',
      null,
      null,
    ]);
    expect(rows[0]?.textContent).toContain('from 10.0.0.7');
    expect(rows[1]?.textContent).toContain('Not used yet');
    expect(rows[2]?.textContent).toContain('Never');
    expect(rows[2]?.textContent).toContain('created by admin');
    expect(host.querySelector('button[aria-label="Delete token soon"]')).not.toBeNull();
  });

  it('counts "expires soon" from now: not for expired tokens, not for tokens that never expire', () => {
    expect(expiresSoon(new Date(NOW.getTime() + 7 * DAY).toISOString(), NOW)).toBe(true);
    expect(expiresSoon(new Date(NOW.getTime() + 8 * DAY).toISOString(), NOW)).toBe(false);
    expect(expiresSoon(new Date(NOW.getTime() - DAY).toISOString(), NOW)).toBe(false);
    expect(expiresSoon(null, NOW)).toBe(false);
  });
});

describe('companion errors', () => {
  const answering = (status: number, text: string) =>
    new CompanionClient(async () => ({ status, contentType: 'application/json', text }));

  it('names the field of a 400 and says what a 403 or an unreachable companion means', async () => {
    const bad = await answering(
      400,
      JSON.stringify({
        error: {
          code: 'bad_request',
          message: 'name: Too small',
          details: [{ path: ['name'], message: 'Too small' }],
        },
      }),
    )
      .post('/api/v1/tokens', {})
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(CompanionError);
    expect((bad as CompanionError).field).toBe('name');
    expect(describeError(bad).title).toBe('Please check the field "name"');

    const forbidden = await answering(
      403,
      JSON.stringify({ error: { code: 'forbidden', message: 'Missing createOwnTokens' } }),
    )
      .post('/api/v1/tokens', {})
      .catch((e: unknown) => e);
    expect(describeError(forbidden)).toEqual({
      title: 'You do not have permission to do this (any more)',
      detail: 'Missing createOwnTokens',
    });

    const unreachable = await new CompanionClient(() => Promise.reject(new TypeError('Failed to fetch')))
      .get('/api/v1/me')
      .catch((e: unknown) => e);
    expect((unreachable as CompanionError).status).toBe(0);
    expect(describeError(unreachable).title).toBe('The API Token Authentication server cannot be reached');

    const proxyPage = await answering(502, '<html>Bad gateway</html>')
      .get('/api/v1/me')
      .catch((e: unknown) => e);
    expect(describeError(proxyPage).title).toBe('The server answered with an error (502)');
  });
});

describe('panels opened by URL without the permission', () => {
  const me = (overrides: Partial<Me>): Me => ({
    username: 'carol',
    displayName: 'Carol Jones',
    isAdmin: false,
    product: 'jira',
    permissions: { useTokens: false, createOwnTokens: false, createTokensForOthers: false },
    validityOptions: ['never'],
    maxValidity: 'never',
    forceReadOnlyScope: false,
    ...overrides,
  });
  const client = new CompanionClient(() => Promise.reject(new Error('the info box calls nothing')));
  const open = (route: 'user' | 'admin', who: Me | null) => {
    const ctx = {
      doc: document,
      product: 'jira' as const,
      siteUrl: '',
      client,
      me: who,
      meError: null,
      local: { get: async () => ({}) },
      now: () => new Date(),
      signal: new AbortController().signal,
    };
    mountPanel(
      ctx,
      route,
      () => {},
      () => {},
    );
    return document.getElementById('api-token-auth-panel')?.shadowRoot;
  };

  it('shows the info box that says so and whom to ask, inside a shadow root', () => {
    document.head.innerHTML = '<meta name="ajs-remote-user" content="carol">';
    const root = open('user', me({}));
    expect(root?.querySelector('[role="dialog"]')?.getAttribute('aria-labelledby')).toBe('ata-dialog-title');
    expect(root?.textContent).toContain('You cannot use API tokens');
    expect(root?.textContent).toContain('Ask a site administrator');
  });

  it('tells a non-administrator that the admin panel is for administrators', () => {
    document.head.innerHTML = '<meta name="ajs-remote-user" content="alice">';
    const root = open(
      'admin',
      me({ permissions: { useTokens: true, createOwnTokens: true, createTokensForOthers: false } }),
    );
    expect(root?.textContent).toContain('Administrators only');
  });

  it('says that the companion cannot be reached when it did not answer who the person is', async () => {
    document.head.innerHTML = '<meta name="ajs-remote-user" content="alice">';
    const root = open('user', null);
    await vi.waitFor(() =>
      expect(root?.textContent).toContain('The API Token Authentication server cannot be reached'),
    );
  });

  it('keeps keys typed in its fields from the site’s keyboard shortcuts on the document', () => {
    document.head.innerHTML = '';
    const root = open('user', null);
    const heard: string[] = [];
    document.addEventListener('keydown', (e) => heard.push(e.key));
    const input = document.createElement('input');
    root?.querySelector('.ata-dialog-content')?.append(input);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'c', bubbles: true, composed: true }));
    root
      ?.querySelector('.ata-dialog')
      ?.dispatchEvent(new KeyboardEvent('keydown', { key: 'x', bubbles: true, composed: true }));
    expect(heard).toEqual(['x']);
  });

  it('asks an anonymous visitor to log in first', () => {
    document.head.innerHTML = '';
    expect(open('user', null)?.textContent).toContain('Log in first');
  });
});

describe('IP allowlist entries', () => {
  it('are flagged inline unless they are an address or a CIDR range', () => {
    expect(
      invalidEntries(['10.0.0.0/8', '2001:db8::/32', '192.0.2.1', '', '10.1', '10.0.0.0/33', 'example.com']),
    ).toEqual(['10.1', '10.0.0.0/33', 'example.com']);
  });
});

describe('panel routes', () => {
  it('are #api-token-auth and #api-token-auth/admin, and nothing else', () => {
    expect(routeOf('#api-token-auth')).toBe('user');
    expect(routeOf('#api-token-auth/')).toBe('user');
    expect(routeOf('#api-token-auth/admin')).toBe('admin');
    expect(routeOf('')).toBeNull();
    expect(routeOf('#api-token-authx')).toBeNull();
    expect(routeOf('#comment-123')).toBeNull();
  });
});

describe('admin list filters', () => {
  it('drop empty fields and turn days into the first or last instant of that local day', () => {
    const query = filterQuery(
      { user: 'bob', name: '', from: '2026-03-01', to: '2026-03-01' },
      { from: 'start', to: 'end' },
    );
    expect(query).toEqual({
      user: 'bob',
      from: dateBoundary('2026-03-01', 'start'),
      to: dateBoundary('2026-03-01', 'end'),
    });
    const start = new Date(query.from as string);
    const end = new Date(query.to as string);
    expect([start.getHours(), start.getMinutes(), start.getDate()]).toEqual([0, 0, 1]);
    expect([
      end.getHours(),
      end.getMinutes(),
      end.getSeconds(),
      end.getMilliseconds(),
      end.getDate(),
    ]).toEqual([23, 59, 59, 999, 1]);
  });
});
