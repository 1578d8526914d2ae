// The saved simulator pages (written by scripts/save-sim-pages.ts) and a parser for them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SavedPage } from '../../../scripts/save-sim-pages.ts';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'pages');

export const SAVED_PAGES: SavedPage[] = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8'));
export const FLAVOURS = [...new Set(SAVED_PAGES.map((p) => p.flavour))];

export function savedPage(flavour: string, kind: SavedPage['kind']): SavedPage & { html: string } {
  const page = SAVED_PAGES.find((p) => p.flavour === flavour && p.kind === kind);
  if (!page) throw new Error(`no saved ${kind} page of ${flavour}: run npx tsx scripts/save-sim-pages.ts`);
  return { ...page, html: readFileSync(join(DIR, page.file), 'utf8') };
}

/**
 * Parses a saved page into a document of the test's happy-dom window. DOMParser runs no
 * scripts; stylesheet links are dropped because happy-dom would try (and fail) to fetch them
 * and nothing tested here depends on styles.
 */
export function parse(html: string): Document {
  return new DOMParser().parseFromString(
    html.replace(/<link\b[^>]*rel="stylesheet"[^>]*>/g, ''),
    'text/html',
  );
}
