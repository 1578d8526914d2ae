// One demo site on free ports and a temporary data folder, for tests that drive the demo over HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DemoSite, type RunningDemo, startDemo } from '../../../scripts/demo/demo.ts';

export interface DemoStage {
  demo: RunningDemo;
  site: DemoSite;
  /** The front proxy's port, for raw requests. */
  port: number;
  dataDir: string;
  close(): Promise<void>;
}

export async function startJiraDemo(): Promise<DemoStage> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ata-demo-stage-'));
  const demo = await startDemo({
    dataDir,
    logLevel: 'silent',
    sites: [{ name: 'Jira', flavour: 'jira9', port: 0, contextPath: '/jira' }],
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const site = demo.sites[0] as DemoSite;
  return {
    demo,
    site,
    port: Number(new URL(site.url).port),
    dataDir,
    async close() {
      await demo.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the Jira login form of the demo site; returns the `JSESSIONID=…` cookie pair. */
export async function jiraSession(site: DemoSite, user: string): Promise<string> {
  const response = await fetch(`${site.url}/login.jsp`, {
    method: 'POST',
    body: new URLSearchParams({ os_username: user, os_password: user }),
    redirect: 'manual',
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('JSESSIONID='));
  if (!cookie) throw new Error(`login of ${user}: HTTP ${response.status}, no session cookie`);
  return cookie.split(';')[0] as string;
}
