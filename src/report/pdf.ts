// PDF through Debian's Chromium (playwright-core). One browser is kept warm and closed when idle; every
// render is time-boxed, and a render that overruns closes the browser so nothing is left hanging.
//
// Chromium cannot print target-counter(), so the contents' page numbers come from a second pass: the
// first PDF is read back with pdftotext to find the page each initiative starts on.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, basename } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import type { EditionData } from '../domain/model.ts';
import { renderReportHtml, type ReportOptions } from './html.ts';

const run = promisify(execFile);

export const CHROMIUM_PATH = process.env.SHISAKU_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportError';
  }
}

let browser: Promise<Browser> | null = null;
let idleTimer: NodeJS.Timeout | null = null;
const IDLE_MS = 30_000;

async function getBrowser(): Promise<Browser> {
  if (idleTimer) clearTimeout(idleTimer);
  if (!browser) {
    const { chromium } = await import('playwright-core');
    browser = chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 }).catch((e) => {
      browser = null;
      throw new ReportError(`Chromium を起動できません（${CHROMIUM_PATH}）: ${(e as Error).message.split('\n')[0]} / cannot start Chromium`);
    });
  }
  return browser;
}

function scheduleIdleClose() {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void closeBrowser(), IDLE_MS);
  idleTimer.unref();
}

export async function closeBrowser(): Promise<void> {
  const b = browser;
  browser = null;
  if (idleTimer) clearTimeout(idleTimer);
  if (b) await (await b.catch(() => null))?.close().catch(() => undefined);
}

async function htmlToPdf(html: string, timeoutMs: number): Promise<Uint8Array> {
  const b = await getBrowser();
  const context = await b.newContext();
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = (async () => {
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
      await page.evaluate(() => document.fonts.ready);
      return page.pdf({
        format: 'A4',
        printBackground: true,
        preferCSSPageSize: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: '<div style="width:100%;text-align:center;font-size:8pt;color:#555;font-family:sans-serif"><span class="pageNumber"></span></div>',
        margin: { top: '16mm', bottom: '18mm', left: '15mm', right: '15mm' },
      });
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ReportError(`PDF の生成が ${timeoutMs} ミリ秒以内に終わりませんでした / PDF rendering timed out`)), timeoutMs);
    });
    return new Uint8Array(await Promise.race([work, timeout]));
  } catch (e) {
    // A stuck page may have wedged the browser; start afresh next time.
    await closeBrowser();
    throw e;
  } finally {
    clearTimeout(timer);
    await context.close().catch(() => undefined);
    scheduleIdleClose();
  }
}

export async function pdfToText(pdf: Uint8Array, layout = true): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'shisaku-pdf-'));
  try {
    const file = join(dir, 'r.pdf');
    writeFileSync(file, pdf);
    const { stdout } = await run('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', file, '-'], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Page (1-based) on which each initiative's heading is printed, read from the PDF's text. */
export function findInitiativePages(text: string, data: EditionData): Map<string, number> {
  const pages = text.split('\f');
  const out = new Map<string, number>();
  const squash = (s: string) => s.normalize('NFKC').replace(/\s/g, '');
  const heads = data.initiatives.map((i) => ({ key: i.key, head: squash(`${i.number ?? '新'}.${i.title}`) }));
  pages.forEach((p, k) => {
    for (const line of p.split('\n')) {
      const l = squash(line);
      if (!/^(\d{1,3}|新)\./.test(l)) continue;
      const hit = heads.find((h) => !out.has(h.key) && l.startsWith(h.head));
      if (hit) out.set(hit.key, k + 1);
    }
  });
  return out;
}

const pageMaps = new Map<string, Map<string, number>>();

export interface PdfResult {
  pdf: Uint8Array;
  pages: number;
}

export interface PdfOptions extends ReportOptions {
  timeoutMs?: number;
  onProgress?: (step: string, fraction: number) => void;
}

export async function renderReportPdf(data: EditionData, opts: PdfOptions = {}): Promise<PdfResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const progress = opts.onProgress ?? (() => {});
  progress('HTML', 0.05);
  // The first pass depends only on its HTML, so the page map it yields is remembered by that HTML's
  // hash: rendering an unchanged edition again takes one pass.
  const firstHtml = renderReportHtml(data, { ...opts, pages: new Map() });
  const hash = createHash('sha256').update(firstHtml).digest('hex');
  let pages = pageMaps.get(hash);
  if (!pages) {
    const first = await htmlToPdf(firstHtml, timeoutMs);
    progress('ページ番号', 0.45);
    pages = findInitiativePages(await pdfToText(first, false), data);
    if (pageMaps.size > 50) pageMaps.clear();
    pageMaps.set(hash, pages);
  }
  progress('PDF', 0.55);
  const pdf = await htmlToPdf(renderReportHtml(data, { ...opts, pages }), timeoutMs);
  progress('完了', 1);
  return { pdf, pages: countPages(pdf) };
}

export function countPages(pdf: Uint8Array): number {
  const s = Buffer.from(pdf).toString('latin1');
  return (s.match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

/** Writes beside the target and renames, so a reader never sees half a file. */
export function writeAtomically(path: string, body: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, body);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
