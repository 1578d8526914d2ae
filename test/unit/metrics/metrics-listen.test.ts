import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.ts';

const site = { ATA_SITE_URL: 'https://jira.example.com' };

describe('ATA_METRICS_LISTEN', () => {
  it('is unset by default: <base>/metrics is then served on the main listener', () => {
    expect(loadConfig(site).metricsListen).toBeUndefined();
  });

  it('takes host:port like ATA_LISTEN, IPv6 included', () => {
    expect(loadConfig({ ...site, ATA_METRICS_LISTEN: '127.0.0.1:9464' }).metricsListen).toEqual({
      host: '127.0.0.1',
      port: 9464,
    });
    expect(loadConfig({ ...site, ATA_METRICS_LISTEN: '[::1]:9464' }).metricsListen).toEqual({
      host: '::1',
      port: 9464,
    });
  });

  it('refuses anything else, naming the variable', () => {
    for (const bad of ['9464', 'localhost', '127.0.0.1:99999', '::1:9464']) {
      let thrown: unknown;
      try {
        loadConfig({ ...site, ATA_METRICS_LISTEN: bad });
      } catch (err) {
        thrown = err;
      }
      expect(thrown, bad).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).variable).toBe('ATA_METRICS_LISTEN');
    }
  });
});
