// Debian's Chromium for the browser tests, launched with the same flags as the report's PDF renderer
// (no background networking: the machines' network is closed), axe-core run inside a page, and the
// sample site served to it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/report/pdf.ts';
import { openDatabase, type Database, type Db } from '../../src/db/client.ts';
import { loadSample } from '../../src/db/sample.ts';
import { startServer } from '../../src/web/server.ts';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';

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
    const w = window as unknown as {
      axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; help: string; nodes: unknown[] }[] }> };
    };
    return w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.length, help: v.help }));
}

export interface BrowserSite {
  database: Database;
  browser: Browser;
  /** http://127.0.0.1:port of the running server. */
  base: string;
  close(): Promise<void>;
}

/**
 * The sample plan on an in-memory database, served on a free port, with Chromium launched; `prepare`
 * runs on the database before the server starts (staff accounts, an open round).
 */
export async function browserSite(prepare?: (db: Db) => Promise<void>): Promise<BrowserSite> {
  const database = await openDatabase({ dataDir: 'memory://' });
  clearEditionCache();
  await loadSample(database.db);
  await prepare?.(database.db);
  const server = await startServer({ database, port: 0, hostname: '127.0.0.1' });
  const browser = await launchBrowser();
  return {
    database,
    browser,
    base: `http://127.0.0.1:${server.port}`,
    close: async () => {
      await browser.close();
      await server.close();
      await database.close();
    },
  };
}
