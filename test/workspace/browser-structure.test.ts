// The admin's master-data pages in Chromium (the pages carry no script): a new pillar and sub-area, an
// initiative moved into it and renumbered, a KPI defined with a typo corrected next to its field, a
// department renamed, an editor account added for it; axe-core finds no WCAG 2.1 A/AA violation on any of the pages, and after
// publishing the portal shows the new structure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../src/db/client.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { authenticate } from '../../src/db/accounts.ts';
import { loadWorkspace, openRound, publishEdition, reviewInitiative, submitInitiative } from '../../src/db/workspace.ts';
import { axeViolations as axeRun, browserSite, type BrowserSite } from '../helpers/browser.ts';
import { addUsers, PASSWORD } from './helpers.ts';

const axeViolations = async (page: Page) => (await axeRun(page)).map((v) => `${v.id} (${v.nodes}): ${v.help}`);
const K05 = sampleDocument().doc.data.initiatives.find((i) => i.number === '05')!;

let site: BrowserSite;
let database: Database;
let browser: Browser;
let base: string;

before(async () => {
  site = await browserSite(async (db) => {
    await addUsers(db);
    const admin = (await authenticate(db, 'admin', PASSWORD))!;
    await openRound(db, admin, { fromFiscalYear: 2023, dueDate: '2024-05-31', dropCompleted: false });
  });
  ({ database, browser, base } = site);
});

after(() => site?.close());

test('the admin restructures the 2024 edition in a browser', { timeout: 180_000 }, async () => {
  const page = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await page.goto(`${base}/admin/login`);
  await page.getByLabel('ログイン名').fill('admin');
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(`${base}/admin`);

  await page.goto(`${base}/admin/e/2024`);
  await page.getByRole('link', { name: '施策体系・分野・施策の並び順と番号' }).click();
  assert.deepEqual(await axeViolations(page), [], 'structure page');
  const add = page.locator('form[action="/admin/e/2024/pillars"]');
  await add.getByLabel('名前').fill('職員の働き方改革');
  await add.getByRole('button', { name: '追加' }).click();
  await page.getByText('施策体系「職員の働き方改革」を追加しました').waitFor();
  const added = page.locator('section', { has: page.getByRole('heading', { name: /職員の働き方改革/ }) });
  await added.getByLabel('分野を追加').fill('テレワーク');
  await added.getByRole('button', { name: '追加' }).click();
  await page.getByText('分野「テレワーク」を追加しました').waitFor();

  await page.goto(`${base}/admin/e/2024/i/${K05.key}`);
  assert.deepEqual(await axeViolations(page), [], 'initiative page with the identity form');
  await page.getByLabel('施策体系', { exact: true }).selectOption({ label: '職員の働き方改革' });
  await page.getByLabel('分野', { exact: true }).selectOption({ label: '職員の働き方改革 ／ テレワーク' });
  await page.getByRole('button', { name: '基本情報を保存' }).click();
  await page.getByText('基本情報を保存しました').waitFor();

  await page.goto(`${base}/admin/e/2024/structure`);
  await page.getByRole('button', { name: '番号を振り直す' }).click();
  await page.getByText('番号を振り直しました').waitFor();

  await page.goto(`${base}/admin/e/2024/kpis`);
  assert.deepEqual(await axeViolations(page), [], 'KPI page');
  const kpi = page.locator('form[action="/admin/e/2024/kpis"]');
  await kpi.getByLabel('指標名').fill('テレワーク実施率');
  await kpi.getByLabel('施策体系').selectOption({ label: '職員の働き方改革' });
  await kpi.getByLabel('目標値').fill('５０％');
  await kpi.getByRole('button', { name: '追加' }).click();
  await page.getByText('目標値は数値で入力してください「５０％」').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'KPI page with an error');
  const again = page.locator('form[action="/admin/e/2024/kpis"]');
  assert.equal(await again.getByLabel('指標名').inputValue(), 'テレワーク実施率', 'what was typed is kept');
  await again.getByLabel('目標値').fill('５０');
  await again.getByLabel('単位（任意）').fill('%');
  await again.getByRole('button', { name: '追加' }).click();
  await page.getByText('KPI「テレワーク実施率」を追加しました').waitFor();

  await page.goto(`${base}/admin/departments`);
  assert.deepEqual(await axeViolations(page), [], 'departments page');
  const row = page.getByRole('row', { name: /^商工推進課/ });
  await row.getByLabel('新しい表記').fill('商工観光課');
  await row.getByRole('button', { name: '「商工推進課」を改称' }).click();
  await page.getByText('「商工推進課」を「商工観光課」に改称しました').waitFor();

  await page.goto(`${base}/admin/users`);
  assert.deepEqual(await axeViolations(page), [], 'accounts page');
  const account = page.locator('form[action="/admin/users"]');
  await account.getByLabel('ログイン名（半角英数字）').fill('kanko');
  await account.getByLabel('表示名').fill('観光担当');
  await account.getByLabel(/担当課所/).fill('商工観光課');
  await account.getByLabel(/初期パスワード/).fill('a long enough password');
  await account.getByRole('button', { name: '追加' }).click();
  await page.getByText('アカウント「kanko」を追加しました').waitFor();
  await page.getByRole('link', { name: 'kanko' }).click();
  assert.deepEqual(await axeViolations(page), [], 'account page');

  // Publish (the other initiatives' round is done directly), then the portal shows the new pillar.
  const admin = (await authenticate(database.db, 'admin', PASSWORD))!;
  for (const item of (await loadWorkspace(database.db, admin, 2024)).items) {
    await submitInitiative(database.db, admin, 2024, item.initiative.key);
    await reviewInitiative(database.db, admin, 2024, item.initiative.key, 'approve', '');
  }
  await publishEdition(database.db, admin, 2024);
  const resident = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await resident.goto(`${base}/o/082023/2024/pillars/p6`);
  await resident.getByRole('heading', { name: '職員の働き方改革' }).waitFor();
  await resident.getByRole('heading', { name: 'テレワーク' }).waitFor();
  assert.match(await resident.content(), new RegExp(K05.title.slice(0, 8)));
  await resident.goto(`${base}/o/082023/2024`);
  await resident.getByText('テレワーク実施率').first().waitFor();
});
