import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_TABS } from '../../../extension/panels/admin-tabs.ts';
import { PERMISSION_NAMES } from '../../../shared/permissions.ts';
import { VALIDITY_OPTIONS } from '../../../shared/validity.ts';

const dir = join(import.meta.dirname, '..', '..', '..', 'extension', '_locales');
const load = (lang: string): Record<string, { message: string }> =>
  JSON.parse(readFileSync(join(dir, lang, 'messages.json'), 'utf8'));
const en = load('en');
const de = load('de');

describe('the extension’s translations', () => {
  it('have the same keys in English and German, none empty', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    for (const [key, { message }] of [...Object.entries(en), ...Object.entries(de)]) {
      expect(message.trim(), key).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\$\d/g)].map((m) => m[0]).sort();
    for (const key of Object.keys(en)) {
      expect(placeholders(de[key]?.message ?? ''), key).toEqual(placeholders(en[key]?.message ?? ''));
    }
  });

  it('cover the keys the panels build from the API vocabulary', () => {
    const built = [
      ...VALIDITY_OPTIONS.map((v) => `validity_${v}`),
      ...PERMISSION_NAMES.flatMap((p) => [`perm_${p}`, `perm_${p}_help`, `perm_${p}_everyone`]),
      ...ADMIN_TABS.map((tab) => `tab_${tab}`),
    ];
    for (const key of built) expect(en, key).toHaveProperty(key);
  });

  it('name the extension for the manifest', () => {
    expect(en.extName?.message).toBe('API Token Authentication');
    expect(en.extDescription?.message.length).toBeLessThanOrEqual(132);
  });
});
