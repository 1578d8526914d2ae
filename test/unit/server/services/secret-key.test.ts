import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSecretKey } from '../../../../server/services/secret-key.ts';

describe('token-hash key', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ata-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a key file once, readable by its owner only, and reads the same key ever after', async () => {
    const file = path.join(dir, 'data', 'api-token-auth.key');
    const key = loadSecretKey({ kind: 'generated', path: file }, () => Buffer.alloc(32, 7));
    expect(key.toString('utf8')).toBe('07'.repeat(32));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = loadSecretKey({ kind: 'generated', path: file }, () => Buffer.alloc(32, 9));
    expect(again.equals(key)).toBe(true);
  });

  it('refuses a generated key file that others can read, but takes an operator-mounted one', async () => {
    const file = path.join(dir, 'api-token-auth.key');
    loadSecretKey({ kind: 'generated', path: file });
    await chmod(file, 0o644);
    expect(() => loadSecretKey({ kind: 'generated', path: file })).toThrow(/chmod 600/);
    expect(loadSecretKey({ kind: 'file', path: file })).toHaveLength(64);
  });

  it('takes ATA_SECRET and ATA_SECRET_FILE values of at least 32 characters', async () => {
    expect(loadSecretKey({ kind: 'value', value: 's'.repeat(32) }).toString()).toBe('s'.repeat(32));
    expect(() => loadSecretKey({ kind: 'value', value: 'short' })).toThrow(/ATA_SECRET/);
    const file = path.join(dir, 'given.key');
    await writeFile(file, `${'f'.repeat(40)}\n`, { mode: 0o600 });
    expect(loadSecretKey({ kind: 'file', path: file }).toString()).toBe('f'.repeat(40));
    await writeFile(file, 'tiny', { mode: 0o600 });
    expect(() => loadSecretKey({ kind: 'file', path: file })).toThrow(/at least 32/);
  });
});
