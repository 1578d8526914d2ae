// `npm start`: the companion server when a site is configured (ATA_SITE_URL), otherwise the demo —
// the built extension plus simulated Jira and Confluence, each with its own companion mounted at
// /api-token-auth/ on the site's origin. Ctrl-C stops everything.
import { resolve } from 'node:path';
import { buildExtension } from '../extension/build.ts';
import { parseSiteList } from '../extension/storage/site-url.ts';
import { DEFAULT_DEMO_SITES, startDemo } from './demo/demo.ts';

if (process.env.ATA_SITE_URL) {
  const { main } = await import('../server/cli.ts');
  process.exit(await main(['serve']));
} else {
  await runDemo();
}

async function runDemo(): Promise<void> {
  const siteUrls = DEFAULT_DEMO_SITES.map((site) => `http://localhost:${site.port}${site.contextPath}`);
  const extensionDir = resolve(import.meta.dirname, '..', 'dist', 'extension');
  console.log('api-token-auth demo: building the extension…');
  await buildExtension({
    outDir: extensionDir,
    sites: parseSiteList(siteUrls.join(',')),
    log: (line) => console.log(`  ${line}`),
  });
  console.log('Starting the simulated sites and their companions…');
  const demo = await startDemo().catch((error: unknown) => {
    console.error(`api-token-auth demo: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
  const lines = [
    '',
    'api-token-auth demo is running.',
    '',
    ...demo.sites.flatMap((site) => [
      `  ${site.name} (simulated ${site.product === 'jira' ? 'Jira 10' : 'Confluence 8'}): ${site.url}`,
      `    companion:  ${site.companionUrl}  (API docs: ${site.companionUrl}/api/v1/docs)`,
    ]),
    '',
    '  Logins (password = user name, demo only): admin (administrator), alice, bob, carol; dave is deactivated.',
    '',
    `  Extension: load ${resolve(extensionDir, 'chrome')} as an unpacked extension`,
    '             (chrome://extensions → Developer mode → Load unpacked); the demo sites are built in.',
    '  Then log in, open the avatar menu and choose "API Token Authentication".',
    '',
    `  Try a token: curl -u alice:<token> ${demo.sites[0]?.url ?? ''}/rest/api/2/myself`,
    '',
    'Press Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the demo…`);
    await demo.close();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
