import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  adminGroupsFor,
  ConfigError,
  loadConfig,
  parseDatabaseUrl,
  parseListen,
} from '../../../server/config.ts';

const site = { ATA_SITE_URL: 'https://jira.example.com/jira/' };

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(site, { cwd: '/srv/ata' });
    expect(config).toMatchObject({
      siteUrl: 'https://jira.example.com/jira',
      product: undefined,
      database: { client: 'sqlite', filename: '/srv/ata/data/api-token-auth.sqlite' },
      listen: { host: '127.0.0.1', port: 8787 },
      basePath: '',
      logLevel: 'info',
      identityHeader: 'X-Forwarded-User',
      secret: { kind: 'generated', path: '/srv/ata/data/api-token-auth.key' },
      allowedOrigins: ['https://jira.example.com'],
    });
  });

  it('parses listen addresses, IPv6 included', () => {
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseListen('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    for (const bad of ['8787', ':8787', '[::1]', 'host:99999', '::1:8787']) {
      expect(() => parseListen(bad)).toThrow(ConfigError);
    }
  });

  it('parses both database URL forms', () => {
    expect(parseDatabaseUrl('sqlite:rel/db.sqlite', '/base')).toMatchObject({
      filename: '/base/rel/db.sqlite',
    });
    expect(parseDatabaseUrl('sqlite:///abs/db.sqlite', '/base')).toMatchObject({
      filename: '/abs/db.sqlite',
    });
    expect(parseDatabaseUrl('postgres://u@h/db')).toEqual({
      client: 'pg',
      connectionString: 'postgres://u@h/db',
      url: 'postgres://u@h/db',
    });
  });

  it('has no default secret: PostgreSQL needs ATA_SECRET or ATA_SECRET_FILE, never both', () => {
    const pg = { ...site, ATA_DATABASE_URL: 'postgres://u@h/db' };
    expect(() => loadConfig(pg)).toThrow(/ATA_SECRET/);
    expect(loadConfig({ ...pg, ATA_SECRET_FILE: 'key' }, { cwd: '/k' }).secret).toEqual({
      kind: 'file',
      path: path.resolve('/k', 'key'),
    });
    expect(() => loadConfig({ ...pg, ATA_SECRET: 'x'.repeat(32), ATA_SECRET_FILE: 'key' })).toThrow(
      /not both/,
    );
  });

  it('names the variable in every error', () => {
    const cases: Record<string, Record<string, string>> = {
      ATA_SITE_URL: { ATA_SITE_URL: 'jira.example.com' },
      ATA_BASE_PATH: { ...site, ATA_BASE_PATH: 'no-slash' },
      ATA_IDENTITY_HEADER: { ...site, ATA_IDENTITY_HEADER: 'X User' },
      ATA_ALLOWED_ORIGINS: { ...site, ATA_ALLOWED_ORIGINS: 'https://a.example/path,not a url' },
      ATA_VALIDATE_SECRET: { ...site, ATA_VALIDATE_SECRET: 'too short' },
    };
    for (const [variable, env] of Object.entries(cases)) {
      expect(() => loadConfig(env)).toThrow(expect.objectContaining({ variable }));
    }
  });

  it('accepts extra origins, browser-extension origins included', () => {
    const env = {
      ...site,
      ATA_ALLOWED_ORIGINS: 'http://127.0.0.1:2990/, chrome-extension://abcdefghijklmnop',
    };
    expect(loadConfig(env).allowedOrigins).toEqual([
      'https://jira.example.com',
      'http://127.0.0.1:2990',
      'chrome-extension://abcdefghijklmnop',
    ]);
  });

  it('uses the product default admin groups unless ATA_ADMIN_GROUPS says otherwise', () => {
    expect(adminGroupsFor(loadConfig(site), 'jira')).toEqual([
      'jira-administrators',
      'jira-system-administrators',
    ]);
    expect(adminGroupsFor(loadConfig(site), 'confluence')).toEqual(['confluence-administrators']);
    expect(adminGroupsFor(loadConfig({ ...site, ATA_ADMIN_GROUPS: ' ops , sec ' }), 'jira')).toEqual([
      'ops',
      'sec',
    ]);
  });
});
