import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from './client.ts';

// `npm run sim`: stock unless started with a header authenticator, which trusts the identity header only from the
// proxy addresses it names.
let child: ChildProcess | undefined;

async function startCli(args: string[]): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', 'test/atlassian-sim/cli.ts', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    out += chunk.toString();
    const url = /simulator: (http:\S+?)\/\s/.exec(out)?.[1];
    if (url) return url;
  }
  throw new Error(`the simulator did not start: ${out}`);
}

afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  child = undefined;
});

const asserted = (base: string, localAddress: string) =>
  call(`${base}/rest/api/2/myself`, { localAddress, headers: { 'X-Forwarded-User': 'bob' } });

describe('the simulator CLI', () => {
  it('--header-authenticator 127.0.0.2 trusts X-Forwarded-User from that address only', async () => {
    const base = await startCli(['--header-authenticator', '127.0.0.2']);
    const trusted = await asserted(base, '127.0.0.2');
    expect(trusted.status).toBe(200);
    expect(trusted.json.name).toBe('bob');
    const other = await asserted(base, '127.0.0.1');
    expect(other.status).toBe(401);
    expect(other.headers['x-ausername']).toBe('anonymous');
  });

  it('without it the site is stock: the header means nothing from any address', async () => {
    const base = await startCli([]);
    for (const address of ['127.0.0.1', '127.0.0.2']) {
      expect((await asserted(base, address)).headers['x-ausername']).toBe('anonymous');
    }
  });
});
