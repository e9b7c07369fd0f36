// The portal in a real browser (Debian's Chromium via playwright-core): every page type passes axe-core's
// WCAG 2.1 A/AA rules with zero violations, keyboard focus reaches every link and is visible, the
// language switch and search work by plain HTML forms and links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { sampleDocument } from '../../src/db/sample.ts';
import { axeViolations as axe, browserSite, type BrowserSite } from '../helpers/browser.ts';

let site: BrowserSite;
let browser: Browser;
let base: string;

before(async () => {
  site = await browserSite();
  ({ browser, base } = site);
});

after(() => site?.close());

test('axe-core finds 0 WCAG 2.1 A/AA violations on every page type, in Japanese and English, on a phone too', async () => {
  const key = sampleDocument().doc.data.initiatives.find((i) => i.number === '08')!.key;
  const paths = [
    '/',
    '/o/082023',
    '/o/082023/2023',
    '/o/082023/2023/pillars/p2',
    `/o/082023/2023/initiatives/${key}`,
    '/o/082023/2023/departments',
    `/o/082023/2023/departments/${encodeURIComponent('市民課')}`,
    '/o/082023/2023/kpis/k1',
    `/o/082023/2023/search?q=${encodeURIComponent('マイナンバー')}`,
    '/o/082023/2023/downloads',
    '/accessibility',
    '/o/082023/2099',
  ];
  const report: string[] = [];
  for (const [locale, width] of [
    ['ja-JP', 1280],
    ['en-US', 360],
  ] as const) {
    const context = await browser.newContext({ locale, viewport: { width, height: 800 } });
    const page = await context.newPage();
    for (const p of paths) {
      await page.goto(base + p);
      const v = await axe(page);
      report.push(`${locale} ${width}px ${p}: ${v.length} violations`);
      assert.deepEqual(v, [], `${locale} ${p}`);
      // Nothing wider than the screen on a phone: tables scroll inside their own box.
      if (width === 360) {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${p} overflows by ${overflow}px at 360px`);
      }
    }
    await context.close();
  }
  console.log(report.join('\n'));
});

test('keyboard: Tab reaches every link of the overview with a visible focus; the skip link goes to main', async () => {
  const context = await browser.newContext({ locale: 'ja-JP' });
  const page = await context.newPage();
  await page.goto(`${base}/o/082023/2023`);
  const links = await page.evaluate(() => new Set([...document.querySelectorAll('a[href]')].map((a) => a.outerHTML.slice(0, 120))).size);
  const reached = new Set<string>();
  // Tab until focus has gone round the page once (tables that scroll on a phone are focusable too).
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return { tag: el.tagName, id: el.outerHTML.slice(0, 120), outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px' };
    });
    if (!info) continue;
    assert.ok(info.outline, `focus not visible on ${info.id}`);
    if (info.tag === 'A') {
      if (reached.has(info.id) && reached.size >= links) break;
      reached.add(info.id);
    }
  }
  assert.ok(reached.size >= links, `reached ${reached.size} of ${links} links`);
  await page.goto(`${base}/o/082023/2023`);
  await page.keyboard.press('Tab');
  assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ''), /本文へ移動/);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => location.hash), '#main');
  await context.close();
});

test('language switch and search work without JavaScript', async () => {
  const context = await browser.newContext({ locale: 'ja-JP', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}/o/082023/2023`);
  assert.equal(await page.getAttribute('html', 'lang'), 'ja');
  await page.click('text=English');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.goto(`${base}/o/082023/2023/pillars/p1`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice is remembered');
  await page.click('text=日本語');
  await page.goto(`${base}/o/082023/2023/search`);
  await page.fill('input[name=q]', 'マイナンバー');
  await page.click('button[type=submit]');
  const numbers = await page.$$eval('.initiative-list .no', (els) => els.map((e) => e.textContent));
  assert.deepEqual(numbers.slice(0, 3).sort(), ['08', '09', '10']);
  assert.ok((await page.$$('mark')).length > 0);
  await context.close();
});
