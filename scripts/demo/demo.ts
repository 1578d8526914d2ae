import path from 'node:path';
import { startServer } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { type Flavour, startSimulator } from '../../test/atlassian-sim/index.ts';
import { startFrontProxy } from './front-proxy.ts';

/**
 * The demo `npm start` brings up when no site is configured: per simulated site, the simulator, a
 * companion on its own SQLite database, and a front proxy that gives the site's origin the routing a
 * real deployment gets from its reverse proxy. Only the front proxy's port is meant for people.
 */
export interface DemoSiteSpec {
  name: string;
  flavour: Flavour;
  /** Port people open; 0 picks a free one (tests). */
  port: number;
  contextPath: string;
}

export const DEFAULT_DEMO_SITES: DemoSiteSpec[] = [
  { name: 'Jira', flavour: 'jira9', port: 2990, contextPath: '/jira' },
  { name: 'Confluence', flavour: 'confluence8', port: 1990, contextPath: '/confluence' },
];

export interface DemoSite {
  name: string;
  product: 'jira' | 'confluence';
  /** What a person opens: the front proxy's origin plus the context path. */
  url: string;
  companionUrl: string;
  simulator: Awaited<ReturnType<typeof startSimulator>>;
}

export interface RunningDemo {
  sites: DemoSite[];
  close(): Promise<void>;
}

export interface DemoOptions {
  sites?: DemoSiteSpec[];
  dataDir?: string;
  logLevel?: string;
}

/**
 * Mounted under the site's context path: the site's session cookie carries `Path=<context path>`
 * (Tomcat sets it so), so a companion outside it would never see the cookie of a logged-in person.
 */
const MOUNT_PATH = '/api-token-auth';

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const dataDir = path.resolve(options.dataDir ?? 'data/demo');
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closeOne of closers.splice(0).reverse()) await closeOne();
  };
  const sites: DemoSite[] = [];
  try {
    for (const spec of options.sites ?? DEFAULT_DEMO_SITES) {
      const simulator = await startSimulator({
        flavour: spec.flavour,
        port: 0,
        contextPath: spec.contextPath,
        // Stock, as every real Jira and Confluence: no header authenticator, so no identity header
        // means anything to it. Tokens reach it as their owner's own PAT (site-token mode, the
        // companion's default).
      });
      closers.push(() => simulator.close());
      // The companion must know the public URL before it starts, so the front proxy listens first
      // and learns the companion's address afterwards.
      const front = await startFrontProxy({
        port: spec.port,
        siteUrl: simulator.baseUrl,
        mountPath: `${spec.contextPath}${MOUNT_PATH}`,
      });
      closers.push(() => front.close());
      const url = `http://localhost:${front.port}${spec.contextPath}`;
      const config = loadConfig({
        ATA_SITE_URL: url,
        ATA_PRODUCT: simulator.product,
        ATA_DATABASE_URL: `sqlite:${path.join(dataDir, `${spec.name.toLowerCase()}.sqlite`)}`,
        ATA_LISTEN: '127.0.0.1:0',
        ATA_BASE_PATH: `${spec.contextPath}${MOUNT_PATH}`,
        // The site's own personal access token passes the proxy unchanged, even with password
        // Basic auth switched off, and never counts as a failed login.
        ATA_SERVICE_AUTH: `Bearer ${simulator.state.createPersonalAccessToken('admin')}`,
        // People may also open the site as http://127.0.0.1:PORT.
        ATA_ALLOWED_ORIGINS: `http://127.0.0.1:${front.port}`,
        ATA_LOG_LEVEL: options.logLevel ?? 'warn',
      });
      const companion = await startServer(config);
      closers.push(() => companion.close());
      front.setCompanionUrl(`http://127.0.0.1:${companion.port}`);
      sites.push({
        name: spec.name,
        product: simulator.product,
        url,
        companionUrl: `${url}${MOUNT_PATH}`,
        simulator,
      });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { sites, close };
}
