import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseListenAddress } from '../../../server/config.ts';

describe('ATA_LISTEN', () => {
  it('takes host:port or unix:/absolute/path', () => {
    expect(parseListenAddress('127.0.0.1:8787')).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(parseListenAddress('[::1]:8787')).toEqual({ host: '::1', port: 8787 });
    expect(parseListenAddress('unix:/run/api-token-auth/companion.sock')).toEqual({
      socket: '/run/api-token-auth/companion.sock',
    });
    expect(parseListenAddress('unix:/run//ata/./c.sock')).toEqual({ socket: '/run/ata/c.sock' });
  });

  it.each(['unix:', 'unix:relative.sock', 'unix:/run/ata/', `unix:/${'x'.repeat(107)}`])(
    'refuses %s with a message naming the variable',
    (value) => {
      expect(() => parseListenAddress(value)).toThrow(ConfigError);
      expect(() => loadConfig({ ATA_SITE_URL: 'https://jira.example.com', ATA_LISTEN: value })).toThrow(
        /^ATA_LISTEN: /,
      );
    },
  );
});
