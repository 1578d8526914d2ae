import { chmodSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../server/companion-process.ts';
import { type SetUp, setUp } from './harness.ts';

// The command as an operator runs it: the package's executable, a real process, its exit code.
describe('api-token-auth doctor, the executable', () => {
  let s: SetUp;
  beforeAll(async () => {
    s = await setUp({ flavour: 'confluence8' });
  });
  afterAll(() => s?.close());

  it('exits 0 on a healthy set-up, 1 once something is broken, and the JSON says which', async () => {
    const healthy = runBin(['doctor'], s.env);
    expect(await healthy.exited).toBe(0);
    expect(healthy.stdout).toMatch(/^all good: \d+ ok, 0 warning\(s\), 0 failed, \d+ skipped$/m);

    chmodSync(s.keyFile, 0o640);
    const broken = runBin(['doctor', '--json'], s.env);
    expect(await broken.exited).toBe(1);
    const report = JSON.parse(broken.stdout);
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c: { status: string }) => c.status === 'fail')).toEqual([
      {
        id: 'key-file',
        title: 'Token-hash key',
        status: 'fail',
        detail: `${s.keyFile} has mode 0640: its group can read the key and test guessed tokens offline`,
        fix: `chmod 600 ${s.keyFile}`,
      },
    ]);
    chmodSync(s.keyFile, 0o600);
  });
});
