// The enterprise policy examples in deploy/browser-policies/ against the extension itself: their
// managed-storage part validates against managed_schema.json (the schema Chrome enforces), every
// site in them is one the extension reads as a policy site, and they force-install the build.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GECKO_ID } from '../../../extension/manifest.ts';
import { readManagedSites } from '../../../extension/storage/sites.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const json = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const schema = z.fromJSONSchema(json('extension/managed_schema.json'));
const chrome = json('deploy/browser-policies/chrome/api-token-auth.json');
const firefox = json('deploy/browser-policies/firefox/policies.json').policies;
const CHROME_ID = 'EXTENSION_ID_FROM_THE_CHROME_WEB_STORE';

/** What the extension makes of a managed-storage value: its policy sites. */
const sitesOf = (value: unknown) => readManagedSites({ get: async () => value as Record<string, unknown> });

describe('the enterprise policy examples', () => {
  const storage = {
    chrome: chrome['3rdparty'].extensions[CHROME_ID],
    firefox: firefox['3rdparty'].Extensions[GECKO_ID],
  };

  it.each(Object.keys(storage) as (keyof typeof storage)[])(
    'give %s managed storage that the schema accepts and the extension reads in full',
    async (browser) => {
      const value = storage[browser];
      expect(schema.safeParse(value).success).toBe(true);
      const sites = await sitesOf(value);
      expect(sites).toHaveLength(value.sites.length);
      expect(sites.every((s) => s.source === 'managed')).toBe(true);
      expect(sites.map((s) => s.companionUrl)).toEqual([
        'https://jira.example.com/api-token-auth',
        'https://wiki.example.com/confluence/api-token-auth',
      ]);
    },
  );

  it('use a schema that refuses what Chrome would refuse', () => {
    expect(schema.safeParse({ sites: [{ companionUrl: 'https://x.example.com' }] }).success).toBe(false);
    expect(schema.safeParse({ sites: 'https://jira.example.com' }).success).toBe(false);
  });

  it('force-install the extension: Chrome from the Web Store, Firefox from an https URL, by the Firefox build’s id', () => {
    expect(chrome.ExtensionSettings[CHROME_ID]).toMatchObject({
      installation_mode: 'force_installed',
      update_url: 'https://clients2.google.com/service/update2/crx',
    });
    expect(Object.keys(firefox.ExtensionSettings)).toEqual([GECKO_ID]);
    expect(firefox.ExtensionSettings[GECKO_ID].installation_mode).toBe('force_installed');
    expect(firefox.ExtensionSettings[GECKO_ID].install_url).toMatch(/^https:\/\/.+\.xpi$/);
  });
});
