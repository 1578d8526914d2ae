import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type LaunchOptions } from 'playwright-core';

// Headless Debian Chromium for the end-to-end tests: one place that knows the binary and the flags.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

/**
 * A persistent context with one unpacked extension loaded. Extensions need a persistent profile; the profile
 * folder is temporary and removed when the context closes.
 */
export async function launchChromiumWithExtension(extensionDir: string): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'ata-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
  context.once('close', () => {
    rm(profile, { recursive: true, force: true }).catch(() => undefined);
  });
  return context;
}

// Debian's firefox-esr through puppeteer-core over WebDriver BiDi (no geckodriver needed).
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Headless Firefox with one unpacked extension installed as a temporary add-on; returns the add-on id too. */
export async function launchFirefoxWithExtension(
  extensionDir: string,
): Promise<{ browser: import('puppeteer-core').Browser; addonId: string }> {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: {
      // No network beyond loopback: no update checks, telemetry or remote settings.
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'extensions.update.enabled': false,
    },
  });
  try {
    return { browser, addonId: await browser.installExtension(extensionDir) };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
