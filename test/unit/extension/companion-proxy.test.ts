import { describe, expect, it } from 'vitest';
import { allowedCompanionPath, companionTarget } from '../../../extension/background/companion-proxy.ts';
import type { SiteConfig } from '../../../extension/storage/sites.ts';

const SITES: SiteConfig[] = [
  {
    siteUrl: 'https://jira.example.com/jira',
    companionUrl: 'https://ata.example.com/jira-ata',
    source: 'user',
  },
  {
    siteUrl: 'https://wiki.example.com',
    companionUrl: 'https://wiki.example.com/api-token-auth',
    source: 'managed',
  },
];

describe('calls the background makes for a content script', () => {
  it('go to the companion of the site the sending tab is on', () => {
    expect(
      companionTarget(SITES, 'https://jira.example.com/jira/browse/X-1', {
        method: 'GET',
        path: '/api/v1/me',
      }),
    ).toEqual({
      url: 'https://ata.example.com/jira-ata/api/v1/me',
    });
    expect(
      companionTarget(SITES, 'https://wiki.example.com/display/X', {
        method: 'DELETE',
        path: '/api/v1/tokens/7',
      }),
    ).toEqual({ url: 'https://wiki.example.com/api-token-auth/api/v1/tokens/7' });
  });

  it('are refused from tabs that are not on a configured site, or without a tab', () => {
    expect(
      companionTarget(SITES, 'https://evil.example.net/', { method: 'GET', path: '/api/v1/me' }),
    ).toEqual({
      refused: 'This page is not on a configured site',
    });
    expect(
      companionTarget(SITES, 'https://jira.example.com/other', { method: 'GET', path: '/api/v1/me' }),
    ).toHaveProperty('refused');
    expect(companionTarget(SITES, undefined, { method: 'GET', path: '/api/v1/me' })).toHaveProperty(
      'refused',
    );
  });

  it('reach only companion API paths', () => {
    for (const ok of ['/api/v1/me', '/api/v1/admin/audit?format=csv&actor=alice', '/healthz', '/readyz']) {
      expect(allowedCompanionPath(ok), ok).toBe(true);
    }
    for (const bad of [
      '/api/v1/../../secure/admin',
      '/api/v1/%2e%2e/x',
      '//evil.example.net/api/v1/me',
      'https://evil.example.net/api/v1/me',
      '/rest/api/2/myself',
      '/api/v1\\..\\x',
      '/healthz/../x',
      '',
    ]) {
      expect(allowedCompanionPath(bad), bad).toBe(false);
    }
    const page = 'https://wiki.example.com/x';
    expect(companionTarget(SITES, page, { method: 'PATCH' as 'GET', path: '/api/v1/me' })).toHaveProperty(
      'refused',
    );
  });
});
