// axe-core inside a page, run on one of the extension's elements (its shadow root included), so
// the simulated site's own markup, not ours to fix, is left out; with proof that axe looked: the
// rules that passed there.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeRule {
  id: string;
  impact: string | null;
  nodes: { target: unknown[] }[];
}

/** The rules axe checked with success on the element and the serious or critical violations in it. */
export async function axe(page: Page, host: string): Promise<{ checked: number; violations: string[] }> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(async (selector) => {
    const context = document.querySelector(selector);
    if (!context) throw new Error(`${selector} is not in the page`);
    const { axe } = window as unknown as {
      axe: { run(context: Element, options: unknown): Promise<unknown> };
    };
    return (await axe.run(context, { resultTypes: ['violations', 'passes'] })) as {
      violations: AxeRule[];
      passes: AxeRule[];
    };
  }, host);
  return {
    checked: results.passes.filter((rule) => rule.nodes.length > 0).length,
    violations: results.violations
      .filter((rule) => rule.impact === 'serious' || rule.impact === 'critical')
      .flatMap((rule) => rule.nodes.map((node) => `${rule.id}: ${JSON.stringify(node.target)}`)),
  };
}

export async function expectAccessible(page: Page, host: string, what: string, minRules = 5): Promise<void> {
  const { checked, violations } = await axe(page, host);
  expect(checked, `axe looked at ${what}`).toBeGreaterThanOrEqual(minRules);
  expect(violations, what).toEqual([]);
}
