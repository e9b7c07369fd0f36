// A new municipality's admin in Chromium (the pages carry no script): the dashboard's empty state, the
// new-plan form (with a mistake corrected next to its field), the empty first edition's structure page, two
// groups, departments nested, an initiative added in the plan's words, and the plan's settings page with
// a refused and an accepted period change. axe-core finds no WCAG 2.1 A/AA violation on any of the pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import * as schema from '../../src/db/schema.ts';
import { createUser } from '../../src/db/accounts.ts';
import { axeViolations as axeRun, browserSite, type BrowserSite } from '../helpers/browser.ts';
import { PASSWORD } from './helpers.ts';

const axeViolations = async (page: Page) => (await axeRun(page)).map((v) => `${v.id} (${v.nodes}): ${v.help}`);

let site: BrowserSite;
let browser: Browser;
let base: string;

before(async () => {
  // The sample's organization stays as it is; the new one is registered as `shisaku org add` does.
  site = await browserSite(async (db) => {
    await db.insert(schema.organizations).values({ code: '221309', name: '浜松市' });
    await createUser(db, { orgCode: '221309', login: 'hamamatsu', displayName: '浜松市の管理者', password: PASSWORD, role: 'admin' });
  });
  ({ browser, base } = site);
});

after(() => site?.close());

test('a new municipality’s admin creates its plan and first edition in a browser', { timeout: 180_000 }, async () => {
  const page = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await page.goto(`${base}/admin/login`);
  await page.getByLabel('ログイン名').fill('hamamatsu');
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(`${base}/admin`);
  await page.getByRole('heading', { name: 'まだ計画がありません' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'dashboard without a plan');

  await page.getByRole('link', { name: '計画を作成する' }).click();
  await page.waitForURL(`${base}/admin/plan/new`);
  assert.deepEqual(await axeViolations(page), [], 'new-plan form');
  await page.getByLabel('計画の題名').fill('浜松市DX推進計画');
  await page.getByLabel('最初の年度（西暦）').fill('2024');
  await page.getByLabel('最後の年度（西暦）').fill('2023');
  await page.getByLabel(/^第1階層/).fill('取組の柱');
  await page.getByLabel(/^第2階層/).fill('');
  await page.getByLabel(/^施策1件の呼び名/).fill('取組項目');
  await page.getByLabel(/^最初に作る年度版/).fill('2024');
  await page.getByRole('button', { name: '計画を作成する' }).click();
  await page.getByText('「計画期間の最後の年度」は「計画期間の最初の年度」以上の年度です').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'new-plan form with an error');
  assert.equal(await page.getByLabel('計画の題名').inputValue(), '浜松市DX推進計画', 'what was typed is kept');
  await page.getByLabel('最初の年度（西暦）').fill('2023');
  await page.getByLabel('最後の年度（西暦）').fill('2024');
  await page.getByRole('button', { name: '計画を作成する' }).click();
  await page.waitForURL(/\/admin\/e\/2024\/structure/);
  await page.getByText('まず取組の柱を追加します').waitFor();
  await page.getByRole('heading', { name: 'まだ取組の柱がありません' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'structure page of the empty first edition');

  for (const name of ['行政手続のオンライン化', 'デジタルで支える暮らし']) {
    const add = page.locator('form[action="/admin/e/2024/pillars"]');
    await add.getByLabel('名前').fill(name);
    await add.getByRole('button', { name: '追加' }).click();
    await page.getByText(`取組の柱「${name}」を追加しました`).waitFor();
  }
  await page.getByRole('heading', { name: /1\. 行政手続のオンライン化（取組項目 0 件）/ }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'structure page with two groups');

  await page.goto(`${base}/admin/departments`);
  for (const name of ['デジタル・スマートシティ推進部', 'デジタル・スマートシティ推進課']) {
    const add = page.locator('form[action="/admin/departments"]');
    await add.getByLabel('課所名').fill(name);
    await add.getByRole('button', { name: '追加' }).click();
    await page.getByText(`「${name}」を追加しました`).waitFor();
  }
  const row = page.getByRole('row', { name: /^デジタル・スマートシティ推進課/ });
  await row.getByLabel('「デジタル・スマートシティ推進課」の上位', { exact: true }).selectOption({ label: 'デジタル・スマートシティ推進部' });
  await row.getByRole('button', { name: '「デジタル・スマートシティ推進課」の上位の課所を変更' }).click();
  await page.getByText('「デジタル・スマートシティ推進課」を「デジタル・スマートシティ推進部」の下に置きました').waitFor();
  await page.getByRole('heading', { name: '課所の構成' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'departments page with the tree');
  const top = page.getByRole('row', { name: /^デジタル・スマートシティ推進部/ });
  await top.getByLabel('「デジタル・スマートシティ推進部」の上位', { exact: true }).selectOption({ label: 'デジタル・スマートシティ推進課' });
  await top.getByRole('button', { name: '「デジタル・スマートシティ推進部」の上位の課所を変更' }).click();
  await page
    .getByText(/の下にあるため、「デジタル・スマートシティ推進部」を「デジタル・スマートシティ推進課」の下には置けません/)
    .first()
    .waitFor();
  assert.deepEqual(await axeViolations(page), [], 'departments page with a refused cycle');

  await page.goto(`${base}/admin/e/2024`);
  const add = page.locator('form[action="/admin/e/2024/initiatives"]');
  await add.getByRole('heading', { name: '新しい取組項目（新）を追加' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'edition page of the empty edition');
  await add.getByLabel('取組項目名').fill('電子申請の拡充');
  await add.getByLabel('取組の柱').selectOption({ label: '行政手続のオンライン化' });
  await add.getByLabel(/^担当課所/).fill('デジタル・スマートシティ推進課');
  await add.getByLabel('内容').fill('窓口に来なくてもできる手続を増やす。');
  await add.getByRole('button', { name: '追加する' }).click();
  await page.getByText('新しい施策を追加しました').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'the new initiative’s page, no results yet');

  await page.goto(`${base}/admin/plan`);
  await page.getByRole('heading', { name: '計画の設定' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'plan settings page');
  const settings = page.locator('form[action="/admin/plan"]');
  await settings.getByLabel('最初の年度（西暦）').fill('2025');
  await settings.getByLabel('最後の年度（西暦）').fill('2026');
  await settings.getByRole('button', { name: '保存' }).click();
  await page
    .getByText(/期間の外になるものがあります: 2024年度版/)
    .first()
    .waitFor();
  assert.deepEqual(await axeViolations(page), [], 'plan settings page with a refused period');
  const again = page.locator('form[action="/admin/plan"]');
  await again.getByLabel('最初の年度（西暦）').fill('2023');
  await again.getByLabel('最後の年度（西暦）').fill('2026');
  await again.getByLabel(/^第2階層/).fill('分野');
  await again.getByRole('button', { name: '保存' }).click();
  await page.getByText('計画の設定を保存しました').waitFor();
  await page.getByRole('button', { name: '年度版（空の下書き）を作成' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'plan settings page after saving');

  await page.goto(`${base}/admin`);
  await page.getByRole('heading', { name: '浜松市DX推進計画（2023〜2026年度）' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'dashboard with the plan');
});
