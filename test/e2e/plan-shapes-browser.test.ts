// The example plans of other shapes in Chromium: axe-core finds no WCAG 2.1 A/AA violation on each
// example's overview, on a level-3 group page (reached by its links, as a visitor goes: 基本目標, then
// 取組分野, then 取組事項), and on initiative pages with indicators, a grade (computed and set by hand),
// sections and a schedule with milestones. The examples are loaded as `npm start` loads them
// (src/db/example-plans.ts), beside the sample, on one in-memory database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeViolations, browserSite, type BrowserSite } from '../helpers/browser.ts';
import { EXAMPLE_PLANS, loadExamplePlans } from '../../src/db/example-plans.ts';
import { loadEdition } from '../../src/db/repository.ts';

let site: BrowserSite;
let page: Page;

before(async () => {
  site = await browserSite(async (db) => {
    await loadExamplePlans(db);
  });
  page = await (await site.browser.newContext({ locale: 'ja-JP' })).newPage();
  page.setDefaultTimeout(10_000);
});

after(async () => {
  await site?.close();
});

const example = (dir: string) => EXAMPLE_PLANS.find((p) => p.dir === dir)!;
const editionBase = (dir: string) => `${site.base}/o/${example(dir).code}/${example(dir).fiscalYear}`;

async function accessible(what: string): Promise<void> {
  const found = (await axeViolations(page)).map((v) => `${v.id} (${v.nodes}): ${v.help}`);
  assert.deepEqual(found, [], `axe on ${what} (${page.url()})`);
}

/** The page of the initiative of that title, by its key. */
async function initiativePage(dir: string, title: string): Promise<void> {
  const data = await loadEdition(site.database.db, example(dir).code, example(dir).fiscalYear);
  const i = data?.initiatives.find((n) => n.title === title);
  assert.ok(i, `${dir}: 「${title}」`);
  const res = await page.goto(`${editionBase(dir)}/initiatives/${encodeURIComponent(i.key)}`);
  assert.equal(res?.status(), 200);
  await page.getByRole('heading', { level: 1, name: new RegExp(title) }).waitFor();
}

test('each example’s overview is accessible', async () => {
  for (const p of EXAMPLE_PLANS) {
    const res = await page.goto(editionBase(p.dir));
    assert.equal(res?.status(), 200, p.dir);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await accessible(`${p.dir} overview`);
  }
});

test('a level-3 group page, reached by its links, is accessible and has its breadcrumbs', async () => {
  await page.goto(editionBase('example-levels'));
  const main = page.getByRole('main');
  await main.getByRole('link', { name: '便利で暮らしやすいまち' }).first().click();
  await page.getByRole('heading', { level: 1, name: /便利で暮らしやすいまち/ }).waitFor();
  await accessible('example-levels 基本目標 page');
  // The 取組事項 may be linked from the 基本目標 page itself, or from its 取組分野's page.
  if ((await main.getByRole('link', { name: '手続のオンライン化' }).count()) === 0) {
    await main.getByRole('link', { name: '行政手続のデジタル化' }).first().click();
    await page.getByRole('heading', { level: 1, name: /行政手続のデジタル化/ }).waitFor();
    await accessible('example-levels 取組分野 page');
  }
  await main.getByRole('link', { name: '手続のオンライン化' }).first().click();
  await page.getByRole('heading', { level: 1, name: /手続のオンライン化/ }).waitFor();
  const crumbs = await page.getByRole('navigation', { name: 'パンくずリスト' }).getByRole('listitem').allTextContents();
  assert.deepEqual(
    crumbs.slice(-3).map((c) => c.trim()),
    ['便利で暮らしやすいまち', '行政手続のデジタル化', '手続のオンライン化'],
  );
  await accessible('example-levels 取組事項 page');
});

test('initiative pages with sections, indicators, grades and a schedule are accessible', async () => {
  await initiativePage('example-levels', '電子申請サービスの拡充');
  await accessible('example-levels 事業 page (sections, money, two indicators, three departments)');
  await initiativePage('example-grades', 'オンライン申請の利用促進');
  await accessible('example-grades page with a computed grade A and per-year and cumulative indicators');
  await initiativePage('example-grades', '町内店舗のキャッシュレス決済の普及');
  await accessible('example-grades page with a grade set by hand and its reason');
  await initiativePage('example-grades', '庁内コミュニケーションの見直し');
  await accessible('example-grades page with a qualitative indicator');
  await initiativePage('example-schedule', '行かなくてよい役場');
  await page.getByRole('img').first().waitFor();
  await accessible('example-schedule page (sections, url, select, schedule chart and table, milestones)');
});
