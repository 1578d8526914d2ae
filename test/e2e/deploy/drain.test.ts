import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { stop } from '../../integration/server/companion-process.ts';
import type { RunningNginx } from '../../support/nginx.ts';
import {
  type Companion,
  delayingRelay,
  nginxInFrontOf,
  type Stack,
  startCompanionProcess,
  startStack,
  steadyLoad,
  tokenOf,
  trustNginx,
} from './two-companions.ts';

// SIGTERM to one of two companions behind nginx while requests flow (issue 12, operations): the
// companion answers what it has started, closes each keep-alive connection after its answer, and
// exits; nginx sends everything else to the other one. No client sees a failure.
const GRACE_MS = 5_000;
const RATE = 200;

describe('SIGTERM to one of two companions under load through nginx', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  it('finishes its checks in flight, exits within its grace period, and no request fails', {
    timeout: 90_000,
  }, async () => {
    const stack: Stack = await startStack();
    cleanups.push(() => stack.dispose());
    // The draining companion reaches the site through a relay that can hold answers back, so a
    // check of a token it has not seen yet (its owner looked up at the site) is in flight on demand.
    const relay = await delayingRelay(stack.sim.port);
    cleanups.push(() => relay.close());
    const draining: Companion = await startCompanionProcess({
      ...stack.env,
      ATA_SITE_URL: `http://127.0.0.1:${relay.port}`,
    });
    cleanups.push(() => stop(draining.run));
    await trustNginx(draining);
    const aliceToken = await tokenOf(draining, 'alice');
    const staying: Companion = await startCompanionProcess(stack.env);
    cleanups.push(() => stop(staying.run));
    const bobToken = await tokenOf(staying, 'bob');
    const nginx: RunningNginx = await nginxInFrontOf(stack, [draining, staying]);
    cleanups.push(() => nginx.close());

    const load = steadyLoad(
      `${nginx.origin}/rest/api/2/myself`,
      `Basic ${btoa(`alice:${aliceToken}`)}`,
      RATE,
    );
    await sleep(1_500);
    expect(draining.succeeded(), 'nginx balances over both').toBeGreaterThan(0);
    expect(staying.succeeded(), 'nginx balances over both').toBeGreaterThan(0);

    relay.delayMs = 600;
    const started = Date.now();
    const inFlight = fetch(`${draining.url}/authz/auth-request`, {
      headers: {
        Authorization: `Basic ${btoa(`bob:${bobToken}`)}`,
        'X-Original-Method': 'GET',
        'X-Original-URI': '/rest/api/2/myself',
      },
    }).then((res) => ({ res, at: Date.now() }));
    await sleep(200);
    const signalled = Date.now();
    draining.run.child.kill('SIGTERM');

    const { res, at } = await inFlight;
    expect(
      res.status,
      `the check in flight at SIGTERM is answered (${res.headers.get('x-api-token-auth-reason')})`,
    ).toBe(200);
    expect(res.headers.get('x-forwarded-user')).toBe('bob');
    expect(at, 'answered after the signal, not before it').toBeGreaterThan(signalled);
    expect(at - started).toBeGreaterThanOrEqual(600);

    expect(await draining.run.exited).toBe(0);
    const exitMs = Date.now() - signalled;
    expect(exitMs, 'exits within its grace period').toBeLessThan(GRACE_MS);
    expect(draining.run.stdout).toContain('shutting down');

    const servedByStaying = staying.succeeded();
    await sleep(1_500);
    const tally = await load.stop();
    expect(staying.succeeded(), 'the other companion takes over').toBeGreaterThan(servedByStaying);
    expect(tally.total).toBeGreaterThan(RATE * 2);
    expect(tally, `${tally.failed} of ${tally.total} requests failed`).toMatchObject({ failed: 0 });
    console.info(`drain: exited ${exitMs} ms after SIGTERM; ${tally.total} requests, ${tally.failed} failed`);
  });
});
