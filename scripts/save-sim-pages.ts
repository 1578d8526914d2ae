// Saves real simulator pages for the extension's unit tests (test/fixtures/pages/): every
// flavour as alice, as admin on an administration page (WebSudo off) and anonymously, plus
// Jira 10's dark theme. Rerun after changing the simulator's pages:
//   npx tsx scripts/save-sim-pages.ts
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Flavour, startSimulator } from '../test/atlassian-sim/index.ts';

const OUT = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'pages');
const FLAVOURS: Flavour[] = ['jira9', 'jira8', 'confluence8', 'confluence7'];

export interface SavedPage {
  flavour: Flavour;
  product: 'jira' | 'confluence';
  kind: 'alice' | 'anonymous' | 'admin' | 'dark';
  user: string | null;
  url: string;
  baseUrl: string;
  file: string;
}

const basic = (user: string) => `Basic ${Buffer.from(`${user}:${user}`).toString('base64')}`;

async function save(flavour: Flavour): Promise<SavedPage[]> {
  // Confluence with a context path, Jira without: both shapes of base URL get covered.
  const contextPath = flavour.startsWith('confluence') ? '/confluence' : '';
  const sim = await startSimulator({ flavour, webSudo: false, contextPath });
  try {
    const jira = sim.product === 'jira';
    const home = `${sim.baseUrl}${jira ? '/secure/Dashboard.jspa' : '/index.action'}`;
    const admin = `${sim.baseUrl}${jira ? '/secure/admin/user/UserBrowser.jspa' : '/admin/users/browseusers.action'}`;
    const wanted: [SavedPage['kind'], string, string | null][] = [
      ['alice', home, 'alice'],
      ['anonymous', home, null],
      ['admin', admin, 'admin'],
    ];
    if (flavour === 'jira9') wanted.push(['dark', `${home}?theme=dark`, 'alice']);
    const saved: SavedPage[] = [];
    for (const [kind, url, user] of wanted) {
      const response = await fetch(url, {
        headers: user ? { Authorization: basic(user) } : {},
        redirect: 'manual',
      });
      if (response.status !== 200)
        throw new Error(`${url} as ${user ?? 'anonymous'}: HTTP ${response.status}`);
      const file = `${flavour}-${kind}.html`;
      await writeFile(join(OUT, file), await response.text());
      saved.push({ flavour, product: sim.product, kind, user, url, baseUrl: sim.baseUrl, file });
    }
    return saved;
  } finally {
    await sim.close();
  }
}

await mkdir(OUT, { recursive: true });
const pages = (await Promise.all(FLAVOURS.map(save))).flat();
await writeFile(join(OUT, 'index.json'), `${JSON.stringify(pages, null, 2)}\n`);
console.log(`[save-sim-pages] saved ${pages.length} pages into ${OUT}`);
