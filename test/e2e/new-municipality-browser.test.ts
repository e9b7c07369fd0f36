// A new municipality from nothing to its published plan, in Chromium, as people would do it: the platform
// administrator registers 221309 浜松市 and its first admin on /admin/platform; that admin creates the
// plan and its empty first edition, adds two 取組の柱, the departments and three 取組項目 with their
// results (one as prose too), and publishes; the portal shows them. The admin reopens with a reason and
// edits one 取組項目: the portal keeps the published text until the edition is published again. Every
// form is filled by its label and every button pressed by its name; axe-core finds no WCAG 2.1 A/AA
// violation on any page the walk reaches, on its first visit and in each new state. The database starts
// empty; only the platform administrator is created in-process (the command line's job, tested elsewhere).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { createPlatformAdmin } from '../../src/db/accounts.ts';
import { startServer, type RunningServer } from '../../src/web/server.ts';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { axeViolations, launchBrowser } from '../helpers/browser.ts';

const PLATFORM = { login: 'operator', password: 'operator passphrase 2024' };
const ADMIN = { login: 'hamamatsu', password: 'hamamatsu passphrase' };
const ORG = '221309';
const FY = 2024;

/** What the admin types for each 取組項目; the first also gets its 実績 as prose. */
const ITEMS = [
  {
    title: '電子申請の拡充',
    pillar: '行政手続のオンライン化',
    department: 'デジタル・スマートシティ推進課',
    content: '窓口に来なくてもできる手続を増やす。',
    result: { label: 'オンライン化した手続', actual: '120', target: '150', unit: '件' },
    prose: '子育て・介護の手続を中心に120件をオンライン化した。',
  },
  {
    title: 'キャッシュレス決済の導入',
    pillar: '行政手続のオンライン化',
    department: '市民課',
    content: '窓口の手数料をキャッシュレスで払えるようにする。',
    result: { label: '対応窓口', actual: '8', target: '10', unit: 'か所' },
  },
  {
    title: 'スマートフォン教室',
    pillar: 'デジタルで支える暮らし',
    department: '高齢者福祉課',
    content: '高齢者向けのスマートフォン教室を開く。',
    result: { label: '教室の参加者', actual: '340', target: '300', unit: '人' },
  },
];
const EDITED = { title: 'オンライン申請の拡充', content: 'すべての手続を自宅から申請できるようにする。' };

let database: Database;
let server: RunningServer;
let browser: Browser;
let base: string;
/** The keys of the two 取組の柱, as the portal links them. */
let pillarKeys: string[] = [];

before(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  clearEditionCache();
  await createPlatformAdmin(database.db, { login: PLATFORM.login, displayName: '運用担当', password: PLATFORM.password });
  server = await startServer({ database, port: 0, hostname: '127.0.0.1' });
  base = `http://127.0.0.1:${server.port}`;
  browser = await launchBrowser();
});

/** A fresh browser profile; a step that does not come within 10 s is a failure, not a long wait. */
async function newPage(): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

after(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

/** No WCAG 2.1 A/AA violation on the page as it is now. */
async function accessible(page: Page, what: string): Promise<void> {
  const found = (await axeViolations(page)).map((v) => `${v.id} (${v.nodes}): ${v.help}`);
  assert.deepEqual(found, [], `axe on ${what} (${page.url()})`);
}

/** The form under a heading, as a person finds it on the page. */
const formUnder = (page: Page, heading: string): Locator => page.locator('form').filter({ has: page.getByRole('heading', { name: heading, exact: true }) });

/** The header's link to the dashboard (some pages have another one in their text). */
async function dashboard(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: '作業画面' }).getByRole('link', { name: 'ダッシュボード' }).click();
  await page.waitForURL(`${base}/admin`);
}

/** The text of the page's main part. */
const shown = async (page: Page) => (await page.locator('main').textContent()) ?? '';

/** The cells of the table row that starts with `label`. */
const cells = (page: Page, label: string) =>
  page
    .getByRole('row', { name: new RegExp(`^${label}`) })
    .getByRole('cell')
    .allTextContents();

async function signIn(page: Page, who: { login: string; password: string }): Promise<void> {
  await page.goto(`${base}/admin`);
  await page.waitForURL(/\/admin\/login/);
  await page.getByLabel('ログイン名').fill(who.login);
  await page.getByLabel('パスワード').fill(who.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
}

/**
 * The portal's pages that name the first 取組項目, as a visitor reads them. A fresh browser each time, so
 * what is checked is what the server answers (pages are no-cache with an ETag, so a browser that kept one
 * asks again and sees a publish at once).
 */
async function portalTexts(key: string): Promise<string> {
  const page = await newPage();
  const texts: string[] = [];
  for (const path of ['', `/pillars/${pillarKeys[0]}`, `/initiatives/${key}`, `/search?q=${encodeURIComponent('申請')}`]) {
    await page.goto(`${base}/o/${ORG}/${FY}${path}`);
    texts.push(await shown(page));
  }
  await page.context().close();
  return texts.join('\n');
}

/** From anywhere in the workspace to the edition's page, by the dashboard's list of editions. */
async function toEdition(page: Page): Promise<void> {
  await dashboard(page);
  await page.getByRole('link', { name: `令和6年度（${FY}年度）` }).click();
  await page.waitForURL(`${base}/admin/e/${FY}`);
}

/** The edition page's add form, filled and sent. */
async function fillNewInitiative(page: Page, item: (typeof ITEMS)[number]): Promise<void> {
  const add = formUnder(page, '新しい取組項目（新）を追加');
  await add.getByLabel('取組項目名').fill(item.title);
  await add.getByLabel('取組の柱', { exact: true }).selectOption({ label: item.pillar });
  await add.getByLabel(/^担当課所/).fill(item.department);
  await add.getByLabel('内容', { exact: true }).fill(item.content);
  await add.getByRole('button', { name: '追加する' }).click();
}

test('a new municipality, from nothing to its published plan, in a browser', { timeout: 180_000 }, async () => {
  const started = performance.now();

  // ---- the platform administrator registers the organization and its first admin ----------------------
  const operator = await newPage();
  await signIn(operator, PLATFORM);
  await operator.waitForURL(`${base}/admin/platform`);
  await operator.getByText('登録された自治体はまだありません').waitFor();
  await accessible(operator, 'platform page without organizations');

  const register = formUnder(operator, '自治体を登録');
  await register.getByLabel(/^全国地方公共団体コード/).fill(ORG);
  await register.getByLabel(/^自治体名/).fill('浜松市');
  await register.getByRole('button', { name: '登録' }).click();
  await operator.getByText(`自治体 浜松市（${ORG}・静岡県）を登録しました`).waitFor();
  await accessible(operator, 'platform page with the organization waiting for its admin');

  // A too short initial password is refused next to its field, in Japanese, and nothing is created.
  const first = formUnder(operator, '自治体の最初の管理者を作成');
  await first.getByLabel('自治体', { exact: true }).selectOption({ label: `浜松市（${ORG}・静岡県）` });
  await first.getByLabel(/^ログイン名/).fill(ADMIN.login);
  await first.getByLabel('表示名').fill('浜松市DX推進担当');
  await first.getByLabel(/^初期パスワード/).fill('short');
  // The browser would stop at minlength before sending; the server's own check is what is walked here.
  await first.getByLabel(/^初期パスワード/).evaluate((e) => e.removeAttribute('minlength'));
  await first.getByRole('button', { name: '作成' }).click();
  await operator.getByRole('alert').first().waitFor();
  const refusedText = await shown(operator);
  assert.match(refusedText, /パスワード.*12文字/, 'the password rule is said next to the field');
  assert.doesNotMatch(refusedText, /password|characters/i, 'no English on the page');
  assert.equal(
    await formUnder(operator, '自治体の最初の管理者を作成')
      .getByLabel(/^ログイン名/)
      .inputValue(),
    ADMIN.login,
    'what was typed is kept',
  );
  assert.match((await operator.getByRole('row', { name: /浜松市/ }).textContent()) ?? '', /未設定/, 'no admin was created');
  await accessible(operator, 'platform page with a refused admin');

  const again = formUnder(operator, '自治体の最初の管理者を作成');
  await again.getByLabel('表示名').fill('浜松市DX推進担当');
  await again.getByLabel(/^初期パスワード/).fill(ADMIN.password);
  await again.getByRole('button', { name: '作成' }).click();
  await operator.getByText(`自治体 ${ORG} の管理者「${ADMIN.login}」を作成しました`).waitFor();
  assert.match((await operator.getByRole('row', { name: /浜松市/ }).textContent()) ?? '', /1人/, 'the organization has its admin');
  await operator.getByText('管理者のいない自治体はありません').waitFor();
  await accessible(operator, 'platform page with the organization and its admin');
  await operator.getByRole('button', { name: 'ログアウト' }).click();
  await operator.waitForURL(/\/admin\/login/);
  await operator.context().close();

  // ---- the organization's admin creates the plan and its first, empty edition --------------------------
  const admin = await newPage();
  await signIn(admin, ADMIN);
  await admin.waitForURL(`${base}/admin`);
  await admin.getByRole('heading', { name: 'まだ計画がありません' }).waitFor();
  await accessible(admin, 'dashboard without a plan');

  await admin.getByRole('link', { name: '計画を作成する' }).click();
  await admin.waitForURL(`${base}/admin/plan/new`);
  await accessible(admin, 'new-plan form');
  await admin.getByLabel(/^計画の題名/).fill('浜松市DX推進計画');
  await admin.getByLabel('最初の年度（西暦）').fill('2024');
  await admin.getByLabel('最後の年度（西暦）').fill('2026');
  await admin.getByLabel(/^第1階層/).fill('取組の柱');
  await admin.getByLabel(/^第2階層/).fill('');
  await admin.getByLabel(/^施策1件の呼び名/).fill('取組項目');
  await admin.getByLabel(/^最初に作る年度版/).fill(String(FY));
  await admin.getByRole('button', { name: '計画を作成する' }).click();
  await admin.waitForURL(new RegExp(`/admin/e/${FY}/structure`));
  await admin.getByText('まず取組の柱を追加します').waitFor();
  await accessible(admin, 'structure page of the empty first edition');

  // ---- two groups ------------------------------------------------------------------------------------
  for (const name of ['行政手続のオンライン化', 'デジタルで支える暮らし']) {
    const add = formUnder(admin, '取組の柱を追加');
    await add.getByLabel('名前', { exact: true }).fill(name);
    await add.getByRole('button', { name: '追加' }).click();
    await admin.getByText(`取組の柱「${name}」を追加しました`).waitFor();
  }
  await admin.getByRole('heading', { name: /^2\. デジタルで支える暮らし（取組項目 0 件）/ }).waitFor();
  await accessible(admin, 'structure page with two groups');

  await dashboard(admin);
  await admin.getByRole('heading', { name: '浜松市DX推進計画（2024〜2026年度）' }).waitFor();
  await admin.getByRole('row', { name: /作成中（非公開）/ }).waitFor();
  await accessible(admin, 'dashboard with the draft edition');
  await admin.getByRole('link', { name: /^計画の設定/ }).click();
  await admin.getByRole('heading', { name: '計画の設定' }).waitFor();
  await accessible(admin, 'plan settings page');

  // ---- an initiative names only departments of the master: typed before it has them, it is refused -------
  await toEdition(admin);
  await admin.getByRole('heading', { name: '新しい取組項目（新）を追加' }).waitFor();
  await accessible(admin, 'edition page of the empty edition');
  await fillNewInitiative(admin, ITEMS[0]!);
  await admin.getByRole('alert').getByText(`担当課所「${ITEMS[0]!.department}」は登録されていません`).waitFor();
  assert.doesNotMatch(await shown(admin), /[A-Za-z]{4,}/, 'the refusal is in Japanese only');
  await accessible(admin, 'refused new initiative');
  // The form comes back with what was typed, so nothing has to be typed again.
  const typedAgain = formUnder(admin, '新しい取組項目（新）を追加');
  assert.equal(await typedAgain.getByLabel('取組項目名').inputValue(), ITEMS[0]!.title);
  assert.equal(await typedAgain.getByLabel('内容', { exact: true }).inputValue(), ITEMS[0]!.content);

  await dashboard(admin);
  await admin.getByRole('link', { name: '担当課所', exact: true }).click();
  await admin.waitForURL(`${base}/admin/departments`);
  await accessible(admin, 'departments page, empty');
  for (const name of new Set(ITEMS.map((i) => i.department))) {
    const add = formUnder(admin, '課所を追加');
    await add.getByLabel('課所名').fill(name);
    await add.getByRole('button', { name: '追加' }).click();
    await admin.getByText(`「${name}」を追加しました`).waitFor();
  }
  await accessible(admin, 'departments page with three departments');

  // ---- three initiatives with their department, a result, and prose on the first -----------------------
  await toEdition(admin);
  assert.equal(await admin.getByRole('link', { name: ITEMS[0]!.title }).count(), 0, 'the refused initiative was not added');

  const keys: string[] = [];
  for (const [n, item] of ITEMS.entries()) {
    await fillNewInitiative(admin, item);
    await admin.waitForURL(new RegExp(`/admin/e/${FY}/i/[^/?]+\\?`));
    await admin.getByRole('heading', { level: 1, name: `新 ${item.title}` }).waitFor();
    keys.push(decodeURIComponent(new URL(admin.url()).pathname.split('/').pop()!));
    if (n === 0) await accessible(admin, 'initiative page of a new initiative');

    await admin.getByLabel('実績1 項目', { exact: true }).fill(item.result.label);
    await admin.getByLabel('実績1 実績値', { exact: true }).fill(item.result.actual);
    await admin.getByLabel('実績1 目標値', { exact: true }).fill(item.result.target);
    await admin.getByLabel('実績1 単位', { exact: true }).fill(item.result.unit);
    if (item.prose) await admin.getByLabel('実績（本文）', { exact: true }).fill(item.prose);
    await admin.getByRole('button', { name: '下書きを保存' }).click();
    await admin.getByText('保存しました', { exact: true }).waitFor();
    assert.equal(await admin.getByLabel('実績1 実績値', { exact: true }).inputValue(), item.result.actual, 'the result is stored');
    if (n === 0) await accessible(admin, 'initiative page with a result and prose');

    await admin.getByRole('link', { name: `浜松市DX推進計画 ${FY}年度版（令和6年度（${FY}年度））` }).click();
    await admin.waitForURL(`${base}/admin/e/${FY}`);
  }
  for (const item of ITEMS) await admin.getByRole('link', { name: item.title }).waitFor();
  await accessible(admin, 'edition page with three initiatives');
  assert.equal((await admin.request.get(`${base}/o/${ORG}/${FY}`)).status(), 404, 'the draft is not public');

  // ---- publish: the portal shows the groups, the initiatives and their results ---------------------------
  await admin.getByRole('button', { name: 'この版を公開する' }).click();
  await admin.getByText(`令和6年度（${FY}年度）版を公開しました`).waitFor();
  await admin.getByText('公開中（編集できません）').waitFor();
  await accessible(admin, 'edition page, published');
  await dashboard(admin);
  await admin.getByRole('heading', { name: '更新ラウンドを開く' }).waitFor();
  await admin.getByRole('row', { name: /公開中/ }).waitFor();
  await accessible(admin, 'dashboard with the published edition');

  const resident = await newPage();
  await resident.goto(`${base}/`);
  await accessible(resident, 'portal home');
  await resident.getByRole('link', { name: '浜松市', exact: true }).click();
  await resident.waitForURL(`${base}/o/${ORG}`);
  await accessible(resident, 'portal organization page');
  await resident.getByRole('link', { name: `浜松市DX推進計画 ${FY}年度版` }).click();
  await resident.waitForURL(`${base}/o/${ORG}/${FY}`);
  await resident.getByRole('heading', { level: 1, name: `浜松市DX推進計画 ${FY}年度版` }).waitFor();
  for (const pillar of ['行政手続のオンライン化', 'デジタルで支える暮らし']) await resident.getByRole('link', { name: pillar }).first().waitFor();
  // The summary table and the list of groups both link each group.
  pillarKeys = [
    ...new Set(await resident.locator('main a[href*="/pillars/"]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname.split('/').pop()!))),
  ];
  assert.equal(pillarKeys.length, 2, 'both groups are on the overview');
  await accessible(resident, 'portal edition overview');

  await resident.getByRole('link', { name: '行政手続のオンライン化' }).first().click();
  await resident.getByRole('heading', { level: 1, name: '行政手続のオンライン化' }).waitFor();
  for (const item of ITEMS.slice(0, 2)) await resident.getByRole('link', { name: item.title }).waitFor();
  await accessible(resident, 'portal group page');
  await resident.getByRole('link', { name: ITEMS[0]!.title }).click();
  await resident.waitForURL(`${base}/o/${ORG}/${FY}/initiatives/${encodeURIComponent(keys[0]!)}`);
  const published = await shown(resident);
  for (const text of [ITEMS[0]!.title, ITEMS[0]!.content, ITEMS[0]!.department, ITEMS[0]!.prose!])
    assert.ok(published.includes(text), `the initiative page shows 「${text}」`);
  assert.deepEqual(
    await cells(resident, ITEMS[0]!.result.label),
    [ITEMS[0]!.result.label, '120件', '150件', '80.0%'],
    'the result: label, actual, target, achievement',
  );
  await accessible(resident, 'portal initiative page');
  await resident.getByRole('link', { name: ITEMS[0]!.department }).click();
  await resident.getByRole('link', { name: ITEMS[0]!.title }).waitFor();
  await accessible(resident, 'portal department page');
  await resident.goto(`${base}/o/${ORG}/${FY}/pillars/${pillarKeys[1]}`);
  await resident.getByRole('link', { name: ITEMS[2]!.title }).click();
  const third = await shown(resident);
  assert.ok(third.includes(ITEMS[2]!.title), 'the third initiative’s page');
  assert.deepEqual(await cells(resident, ITEMS[2]!.result.label), [ITEMS[2]!.result.label, '340人', '300人', '113.3%'], 'its result');

  // ---- reopen, edit one initiative: the portal keeps the published text ----------------------------------
  await toEdition(admin);
  await admin.getByLabel('再開する理由（記録されます）').fill('取組項目名の修正');
  await admin.getByRole('button', { name: '編集を再開する' }).click();
  await admin.getByText('編集を再開しました').waitFor();
  await admin.getByText('作成中（再開中。公開サイトには公開済みの版）').waitFor();
  await accessible(admin, 'edition page, reopened');

  await admin.getByRole('link', { name: ITEMS[0]!.title }).click();
  await admin.getByLabel('取組項目名').fill(EDITED.title);
  await admin.getByRole('button', { name: '基本情報を保存' }).click();
  await admin.getByText('基本情報を保存しました').waitFor();
  // The edit form names the section in the plan's words (取組項目内容), as the workbook does.
  await admin.getByLabel('取組項目内容').fill(EDITED.content);
  await admin.getByRole('button', { name: '下書きを保存' }).click();
  await admin.getByText('保存しました', { exact: true }).waitFor();
  await admin.getByRole('heading', { level: 1, name: `新 ${EDITED.title}` }).waitFor();
  await accessible(admin, 'initiative page of the reopened edition');

  await dashboard(admin);
  const row = (await admin.getByRole('row', { name: new RegExp(`${FY}年度版`) }).textContent()) ?? '';
  assert.doesNotMatch(row, /非公開/, 'the dashboard does not call the reopened edition unpublished: the portal still shows it');
  await accessible(admin, 'dashboard with the reopened edition');

  const meanwhile = await portalTexts(keys[0]!);
  for (const text of [ITEMS[0]!.title, ITEMS[0]!.content]) assert.ok(meanwhile.includes(text), `the portal still shows 「${text}」`);
  for (const text of [EDITED.title, EDITED.content]) assert.ok(!meanwhile.includes(text), `the portal does not show 「${text}」 before the second publish`);

  // ---- publish again: the portal shows the new text ------------------------------------------------------
  await toEdition(admin);
  await admin.getByText('公開サイトには、').waitFor();
  await admin.getByRole('button', { name: 'この版をもう一度公開する' }).click();
  await admin.getByText(`令和6年度（${FY}年度）版を公開しました`).waitFor();
  const republished = await portalTexts(keys[0]!);
  for (const text of [EDITED.title, EDITED.content]) assert.ok(republished.includes(text), `the portal shows 「${text}」 after the second publish`);
  for (const text of [ITEMS[0]!.title, ITEMS[0]!.content]) assert.ok(!republished.includes(text), `the portal no longer shows 「${text}」`);
  await resident.goto(`${base}/o/${ORG}/${FY}/search?q=${encodeURIComponent('申請')}`);
  await accessible(resident, 'portal search page');

  const seconds = Math.round((performance.now() - started) / 1000);
  assert.ok(seconds < 120, `the walk takes ${seconds} s`);
});
