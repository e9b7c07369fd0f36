// Debian's Chromium for the browser tests, launched with the same flags as the report's PDF renderer
// (no background networking: the machines' network is closed), and axe-core run inside a page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/report/pdf.ts';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** WCAG 2.1 A/AA violations on the page. */
export async function axeViolations(page: Page): Promise<{ id: string; nodes: number; help: string }[]> {
  // The pages' CSP forbids script, so axe is evaluated through the DevTools protocol (page.evaluate),
  // which CSP does not govern, rather than injected as a <script>.
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; help: string; nodes: unknown[] }[] }> } };
    return w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.length, help: v.help }));
}
