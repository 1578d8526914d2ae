// The extension build as `npm run build` runs it: both browsers, least permissions, the
// build-time sites built in, and Firefox's flavour accepted by Mozilla's linter (web-ext lint)
// without a single warning.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webExt from 'web-ext';
import { buildExtension } from '../../../extension/build.ts';

const SITES = [
  'https://jira.example.com',
  'https://wiki.example.com/confluence',
  'http://localhost:2990/jira',
];
const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8'));

let dir: string;
let dirs: { chrome: string; firefox: string };
let bare: string;
const manifest = (d: string) => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));

function files(d: string): string[] {
  return readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ata-ext-build-'));
  dirs = await buildExtension({ outDir: join(dir, 'with-sites'), sites: SITES });
  bare = (await buildExtension({ outDir: join(dir, 'bare'), sites: [], targets: ['chrome'] })).chrome;
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the extension build', () => {
  it('asks for storage and scripting only; sites are optional unless built in', () => {
    for (const d of [dirs.chrome, dirs.firefox, bare]) {
      const m = manifest(d);
      expect(m.manifest_version).toBe(3);
      expect(m.version).toBe(pkg.version);
      expect(m.permissions).toEqual(['storage', 'scripting']);
      expect(m.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
      expect(m.web_accessible_resources).toBeUndefined();
    }
    expect(manifest(bare).host_permissions).toBeUndefined();
    expect(manifest(bare).content_scripts).toBeUndefined();
  });

  it('builds the ATA_EXTENSION_SITES in: host permissions per origin, content scripts per base URL', () => {
    for (const d of [dirs.chrome, dirs.firefox]) {
      const m = manifest(d);
      expect(m.host_permissions).toEqual([
        'https://jira.example.com/*',
        'https://wiki.example.com/*',
        'http://localhost/*',
      ]);
      expect(m.content_scripts).toEqual([
        {
          js: ['content/index.js'],
          matches: [
            'https://jira.example.com/*',
            'https://wiki.example.com/confluence/*',
            'http://localhost/jira/*',
          ],
          run_at: 'document_end',
        },
      ]);
      expect(existsSync(join(d, 'content', 'index.js'))).toBe(true);
      expect(existsSync(join(d, '_locales', 'en', 'messages.json'))).toBe(true);
      expect(existsSync(join(d, '_locales', 'de', 'messages.json'))).toBe(true);
    }
  });

  it('gives Chrome a service worker and the enterprise policy schema, Firefox background scripts and a gecko id', () => {
    const chrome = manifest(dirs.chrome);
    expect(chrome.background).toEqual({ service_worker: 'service-worker-loader.js', type: 'module' });
    expect(chrome.storage).toEqual({ managed_schema: 'managed_schema.json' });
    const schema = JSON.parse(readFileSync(join(dirs.chrome, 'managed_schema.json'), 'utf8'));
    expect(Object.keys(schema.properties.sites.items.properties)).toEqual(['siteUrl', 'companionUrl']);
    const firefox = manifest(dirs.firefox);
    expect(firefox.background).toEqual({ scripts: ['service-worker-loader.js'], type: 'module' });
    expect(firefox.browser_specific_settings.gecko.id).toMatch(/@/);
    expect(firefox.storage).toBeUndefined();
  });

  it('loads no remote code', () => {
    for (const file of files(dirs.chrome).filter((f) => /\.(js|html)$/.test(f))) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/<script[^>]+src=["']https?:/);
      expect(text, file).not.toMatch(/import\(\s*["']https?:|importScripts\(/);
    }
  });

  it('passes web-ext lint for Firefox with no errors, no warnings and no notices', async () => {
    const result = await webExt.cmd.lint(
      { sourceDir: dirs.firefox, output: 'none', boring: true },
      { shouldExitProgram: false },
    );
    expect(result.errors).toEqual([]);
    // Preact's dangerouslySetInnerHTML branch was the one UNSAFE_VAR_ASSIGNMENT (in the content
    // script and the panels' chunk); the build replaces it (withoutInnerHtmlAssignments).
    expect(result.warnings).toEqual([]);
    expect(result.notices).toEqual([]);
  }, 60_000);

  it('assigns innerHTML nowhere: Preact’s dangerouslySetInnerHTML throws instead', () => {
    for (const d of [dirs.chrome, dirs.firefox]) {
      const scripts = files(d).filter((f) => f.endsWith('.js'));
      for (const file of scripts)
        expect(readFileSync(file, 'utf8'), file).not.toMatch(/\.(inner|outer)HTML\s*=(?!=)/);
      const content = readFileSync(join(d, 'content', 'index.js'), 'utf8');
      expect(content).toContain('dangerouslySetInnerHTML is not supported');
    }
  });
});
