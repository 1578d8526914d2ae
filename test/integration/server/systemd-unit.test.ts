// deploy/systemd/api-token-auth.service, checked by systemd itself: `systemd-analyze verify`
// (any warning about the unit fails, though verify exits 0 on most of them) and the exposure
// score of `systemd-analyze security`, offline.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const UNIT = path.resolve('deploy/systemd/api-token-auth.service');
const SHIPPED_NODE = '/usr/bin/node';
// Tenths, as systemd-analyze counts them: 1.1 when written; 2.0 leaves room, not a free pass.
const MAX_EXPOSURE = 20;

async function analyze(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('systemd-analyze', args, { cwd: tmpdir() });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The [Service] settings, each key with every value it is given. */
function serviceSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) section = header[1];
    else if (section === 'Service') {
      const [key = '', ...value] = line.split('=');
      settings.set(key, [...(settings.get(key) ?? []), value.join('=')]);
    }
  }
  return settings;
}

describe('the systemd unit', () => {
  let dir: string;
  let unit: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ata-unit-'));
    // verify checks that ExecStart's program exists. Where Node lives elsewhere than the unit's
    // /usr/bin/node, the copy verified names this machine's node instead; nothing else changes.
    let text = readFileSync(UNIT, 'utf8');
    try {
      accessSync(SHIPPED_NODE, constants.X_OK);
    } catch {
      text = text.replaceAll(`ExecStart=${SHIPPED_NODE} `, `ExecStart=${process.execPath} `);
    }
    unit = path.join(dir, 'api-token-auth.service');
    writeFileSync(unit, text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes systemd-analyze verify without a single warning about it', async () => {
    const result = await analyze(['verify', unit]);
    const aboutUnit = result.stderr.split('\n').filter((line) => line.includes('api-token-auth'));
    expect(aboutUnit).toEqual([]);
    expect(result.code, result.stderr).toBe(0);
  });

  it(`scores an exposure of at most ${MAX_EXPOSURE / 10} in systemd-analyze security`, async () => {
    const result = await analyze(['security', '--offline=yes', `--threshold=${MAX_EXPOSURE}`, unit]);
    expect(result.stdout).toMatch(/Overall exposure level for api-token-auth\.service: \d+\.\d/);
    expect(
      result.code,
      result.stdout
        .split('\n')
        .filter((l) => l.includes('✗'))
        .join('\n'),
    ).toBe(0);
  });

  it('runs as a dynamic user with its state directory, its settings from a file, without write-execute lockdown', () => {
    const settings = serviceSettings(readFileSync(UNIT, 'utf8'));
    const one = (key: string) => settings.get(key)?.at(-1);
    expect(one('DynamicUser')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('StateDirectory')).toBe('api-token-auth');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('EnvironmentFile')).toBe('/etc/api-token-auth/api-token-auth.env');
    expect(one('ExecStart')).toBe(`${SHIPPED_NODE} /opt/api-token-auth/server/bin/api-token-auth.js serve`);
    // The database (and the key generated beside it) live in the state directory.
    expect(settings.get('Environment')).toContain(
      'ATA_DATABASE_URL=sqlite:///var/lib/api-token-auth/api-token-auth.sqlite',
    );
    // V8's JIT needs writable-then-executable memory: Node would abort at start.
    expect(settings.has('MemoryDenyWriteExecute')).toBe(false);
  });
});
