// The story in a real browser (Debian's Chromium via playwright-core), three people in three
// browser contexts: the admin opens the 2024 round, an editor of デジタル推進課 updates 01 and submits,
// an editor of 商工振興課 cannot touch it, the admin returns it, the editor fixes it, the admin approves
// and publishes, and the portal shows the 2024 edition with its history. axe-core checks the workspace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../src/db/client.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { authenticate } from '../../src/db/accounts.ts';
import { loadWorkspace, reviewInitiative, submitInitiative } from '../../src/db/workspace.ts';
import { axeViolations as axeRun, browserSite, type BrowserSite } from '../helpers/browser.ts';
import { addUsers, PASSWORD } from './helpers.ts';
const axeViolations = async (page: Page) => (await axeRun(page)).map((v) => `${v.id} (${v.nodes})`);
const K01 = sampleDocument().doc.data.initiatives.find((i) => i.number === '01')!.key;

let site: BrowserSite;
let database: Database;
let browser: Browser;
let base: string;

before(async () => {
  site = await browserSite(addUsers);
  ({ database, browser, base } = site);
});

after(() => site?.close());

async function signIn(login: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await page.goto(`${base}/admin`);
  assert.match(page.url(), /\/admin\/login/);
  await page.getByLabel('ログイン名').fill(login);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(`${base}/admin`);
  return page;
}

test('the 2024 update round, as three people would do it in a browser', { timeout: 180_000 }, async () => {
  const admin = await signIn('admin');
  assert.deepEqual(await axeViolations(admin), [], 'dashboard');
  await admin.getByLabel('提出期限').fill('2024-05-31');
  await admin.getByRole('button', { name: 'ラウンドを開く' }).click();
  await admin.waitForURL(/\/admin\/e\/2024/);
  await admin.getByText('更新ラウンドを開きました').waitFor();
  assert.equal((await admin.request.get(`${base}/o/082023/2024`)).status(), 404, 'the draft is not public');

  const digital = await signIn('digital');
  await digital.goto(`${base}/admin/e/2024`);
  assert.deepEqual(await axeViolations(digital), [], 'to-do list');
  await digital.getByRole('link', { name: '日立市デジタル化推進本部の開催' }).click();
  assert.deepEqual(await axeViolations(digital), [], 'edit form');
  await digital.getByLabel('今年度の取組').fill('推進本部会議を年2回開催し、生成AIの活用方針を決定する。');
  await digital.getByRole('button', { name: '下書きを保存' }).click();
  await digital.getByText('保存しました').waitFor();
  await digital.getByRole('button', { name: '提出する' }).click();
  await digital.getByText('提出しました').waitFor();

  const shoko = await signIn('shoko');
  await shoko.goto(`${base}/admin/e/2024/i/${K01}`);
  await shoko.getByText('閲覧のみ').waitFor();
  assert.equal(await shoko.locator('form.edit-form').count(), 0);
  // Even a hand-made request with a valid CSRF token of its own session is refused by the server.
  const csrf = await shoko.locator('input[name="_csrf"]').first().inputValue();
  const forged = await shoko.request.post(`${base}/admin/e/2024/i/${K01}/review`, { form: { _csrf: csrf, decision: 'approve', comment: '' } });
  assert.equal(forged.status(), 403);

  await admin.goto(`${base}/admin/e/2024/i/${K01}`);
  await admin.getByLabel('コメント（差し戻す場合は必須）').fill('開催回数の目標値も入力してください');
  await admin.getByRole('button', { name: '差し戻す' }).click();
  await admin.getByText('差し戻しました').waitFor();

  await digital.goto(`${base}/admin/e/2024/i/${K01}`);
  await digital.getByText('開催回数の目標値も入力してください').waitFor();
  await digital.getByLabel('目標1 項目').fill('推進本部会議の開催');
  await digital.getByLabel('目標1 目標値').fill('２');
  await digital.getByLabel('目標1 単位').fill('回');
  await digital.getByRole('button', { name: '下書きを保存' }).click();
  await digital.getByText('保存しました').waitFor();
  await digital.getByRole('button', { name: '提出する' }).click();
  await digital.getByText('提出しました').waitFor();

  await admin.goto(`${base}/admin/e/2024/i/${K01}`);
  await admin.getByText('前回の提出からの変更').waitFor();
  await admin.getByRole('button', { name: '承認する' }).click();
  await admin.getByText('承認しました').waitFor();

  // The other 101 initiatives are other departments' work; here they are submitted and approved directly.
  const actor = (await authenticate(database.db, 'admin', PASSWORD))!;
  for (const item of (await loadWorkspace(database.db, actor, 2024)).items) {
    if (item.submission?.state === 'approved') continue;
    await submitInitiative(database.db, actor, 2024, item.initiative.key);
    await reviewInitiative(database.db, actor, 2024, item.initiative.key, 'approve', '');
  }
  await admin.goto(`${base}/admin/e/2024`);
  await admin.getByRole('button', { name: 'この版を公開する' }).click();
  await admin.getByText('公開しました').waitFor();

  const resident = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await resident.goto(`${base}/o/082023/2024/initiatives/${K01}`);
  await resident.getByText('生成AIの活用方針を決定する').first().waitFor();
  assert.match(await resident.content(), /令和5年度/, 'the history across editions');

  await admin.goto(`${base}/admin/i/${K01}/history`);
  await admin.getByText('差戻し').first().waitFor();
  assert.deepEqual(await axeViolations(admin), [], 'history');
});
