import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.ts';

const base = {
  ATA_SITE_URL: 'https://jira.example.com',
  ATA_DATABASE_URL: 'postgres://ata@db.example.com/ata',
  ATA_SECRET: 'x'.repeat(32),
};

const failure = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return err instanceof ConfigError ? { variable: err.variable, message: err.message } : err;
  }
  return undefined;
};

describe('ATA_REDIS_URL', () => {
  it('is off unless set, and takes a redis:// or rediss:// URL with a key prefix', () => {
    expect(loadConfig(base).redis).toBeUndefined();
    expect(loadConfig({ ...base, ATA_REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      keyPrefix: 'api-token-auth:',
    });
    expect(
      loadConfig({
        ...base,
        ATA_REDIS_URL: 'rediss://cache.example.com:6380/2',
        ATA_REDIS_KEY_PREFIX: 'prod:',
      }).redis,
    ).toEqual({ url: 'rediss://cache.example.com:6380/2', keyPrefix: 'prod:' });
  });

  it('refuses anything else, naming the variable', () => {
    expect(failure({ ...base, ATA_REDIS_URL: 'http://127.0.0.1:6379' })).toMatchObject({
      variable: 'ATA_REDIS_URL',
      message: expect.stringContaining('redis://'),
    });
    expect(
      failure({ ...base, ATA_REDIS_URL: 'redis://127.0.0.1', ATA_REDIS_KEY_PREFIX: 'a b*' }),
    ).toMatchObject({
      variable: 'ATA_REDIS_KEY_PREFIX',
    });
  });

  it('needs PostgreSQL: on SQLite one companion counts on its own', () => {
    expect(
      failure({ ...base, ATA_DATABASE_URL: 'sqlite:/tmp/x.sqlite', ATA_REDIS_URL: 'redis://127.0.0.1:6379' }),
    ).toMatchObject({ variable: 'ATA_REDIS_URL', message: expect.stringContaining('PostgreSQL') });
  });
});
