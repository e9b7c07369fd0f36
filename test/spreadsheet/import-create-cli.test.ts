// `shisaku export xlsx --blank` and `shisaku import xlsx … --create` as a user runs them, each a process of
// its own on one embedded data directory: a plan with no edition exports its blank workbook; the filled-in
// workbook is refused without --create (exit 1) with the list of what it would create, and nothing is
// written; --dry-run --create previews; --create creates the edition, its groups, departments and
// initiatives; the same file again changes nothing. A file that only edits what exists needs no --create.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openDatabase } from '../../src/db/client.ts';
import * as s from '../../src/db/schema.ts';
import { DEFAULT_PLAN_SETTINGS } from '../../src/domain/model.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function shisaku(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin/shisaku.js'), ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let dir: string;
let env: Record<string, string>;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shisaku-create-'));
  env = { SHISAKU_DATA_DIR: join(dir, 'data') };
  // The organization and its plan as they are stored (a plan of one level, its initiatives called 取組項目), no edition.
  const database = await openDatabase({ dataDir: env.SHISAKU_DATA_DIR! });
  try {
    const [o] = await database.db.insert(s.organizations).values({ code: '221309', name: '浜松市' }).returning({ id: s.organizations.id });
    await database.db.insert(s.plans).values({
      organizationId: o!.id,
      title: '浜松市DX推進計画',
      startFiscalYear: 2023,
      endFiscalYear: 2025,
      settings: { ...DEFAULT_PLAN_SETTINGS, levels: ['取組の柱'], initiativeName: '取組項目' },
    });
    await database.db.insert(s.departments).values({ organizationId: o!.id, name: '市民課' });
  } finally {
    await database.close();
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Fills the first empty rows of the 施策 sheet, finding each column by its heading. */
async function fill(file: string, rows: Record<string, string>[]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet('施策')!;
  const column = new Map<string, number>();
  ws.getRow(1).eachCell((cell, n) => column.set(String(cell.value ?? '').trim(), n));
  let at = 2;
  while (ws.getRow(at).getCell(column.get('取組項目')!).value) at++;
  rows.forEach((row, k) => {
    for (const [heading, value] of Object.entries(row)) {
      assert.ok(column.has(heading), `column ${heading} in ${[...column.keys()].join(', ')}`);
      ws.getRow(at + k).getCell(column.get(heading)!).value = value;
    }
  });
  await wb.xlsx.writeFile(file);
}

const ORG = ['--org', '221309'];

test('export --blank, then import without --create is refused with the list, with --create it creates, again nothing', async () => {
  const book = join(dir, 'blank.xlsx');
  const noEdition = await shisaku(['export', 'xlsx', ...ORG, '--year', '2024', '--out', book], env);
  assert.equal(noEdition.code, 2);
  assert.match(noEdition.stderr, /2024 年度版はまだありません。--blank で/);
  const outside = await shisaku(['export', 'xlsx', ...ORG, '--year', '2031', '--blank', '--out', book], env);
  assert.equal(outside.code, 2);
  assert.match(outside.stderr, /2031 年度を計画期間に含む計画がありません/);

  const exported = await shisaku(['export', 'xlsx', ...ORG, '--year', '2024', '--blank', '--out', book], env);
  assert.equal(exported.code, 0, exported.stderr);
  await fill(book, [
    {
      取組の柱: '行政手続のオンライン化',
      取組項目: '電子申請の拡充',
      担当課所: '市民課',
      状況: '実施中',
      '実績（文章）': '【令和5年度】\n申請できる手続を増やした。',
    },
    { 取組の柱: 'デジタルで支える暮らし', 取組項目: 'スマートフォン教室', 担当課所: '高齢者福祉課', 状況: '新規' },
  ]);

  const json = async () => shisaku(['export', 'json', ...ORG, '--year', '2024'], env);
  const refused = await shisaku(['import', 'xlsx', book, ...ORG, '--year', '2024'], env);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /次のものを新しく作成します。作成してよければ --create を付けて/);
  for (const listed of [
    '版「浜松市DX推進計画」（2024年度、下書き）',
    '取組の柱「行政手続のオンライン化」',
    '取組の柱「デジタルで支える暮らし」',
    '担当課所「高齢者福祉課」',
  ])
    assert.ok(refused.stderr.includes(listed), listed);
  assert.doesNotMatch(refused.stderr, /担当課所「市民課」/, 'a registered department is not created');
  assert.equal(refused.stdout, '');
  assert.notEqual((await json()).code, 0, 'no edition was created');

  const dry = await shisaku(['import', 'xlsx', book, ...ORG, '--year', '2024', '--dry-run'], env);
  assert.equal(dry.code, 1, 'a dry run of a file that needs --create says it would be refused');
  assert.match(dry.stdout, /作成 取組の柱「デジタルで支える暮らし」/);
  const preview = await shisaku(['import', 'xlsx', book, ...ORG, '--year', '2024', '--create', '--dry-run'], env);
  assert.equal(preview.code, 0, preview.stderr);
  assert.match(preview.stdout, /追加 取組項目 新 スマートフォン教室/);
  assert.notEqual((await json()).code, 0, 'a dry run writes nothing');

  const created = await shisaku(['import', 'xlsx', book, ...ORG, '--year', '2024', '--create'], env);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, /2024年度版（下書き）を作成しました/);
  assert.match(created.stderr, /適用しました（変更セット \d+）/);
  const doc = JSON.parse((await json()).stdout);
  assert.equal(doc.edition.state, 'draft');
  assert.deepEqual(
    doc.pillars.map((p: { name: string }) => p.name),
    ['行政手続のオンライン化', 'デジタルで支える暮らし'],
  );
  assert.deepEqual(
    doc.initiatives.map((i: { title: string; departments: string[]; resultsText: string }) => [i.title, i.departments, i.resultsText]),
    [
      ['電子申請の拡充', ['市民課'], '【令和5年度】\n申請できる手続を増やした。'],
      ['スマートフォン教室', ['高齢者福祉課'], ''],
    ],
  );

  const again = await shisaku(['import', 'xlsx', book, ...ORG, '--year', '2024'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, '変更はありません / no changes\n');

  // The edition's own workbook, edited without anything new: no --create needed.
  const own = join(dir, 'own.xlsx');
  assert.equal((await shisaku(['export', 'xlsx', ...ORG, '--year', '2024', '--out', own], env)).code, 0);
  await fill(own, [{ 取組の柱: 'デジタルで支える暮らし', 取組項目: '地域のデジタル相談', 担当課所: '市民課', 状況: '新規' }]);
  const added = await shisaku(['import', 'xlsx', own, ...ORG, '--year', '2024'], env);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /追加 取組項目 新 地域のデジタル相談/);

  // A new group in an existing edition is refused without --create, naming it; nothing changes.
  const before = (await json()).stdout;
  await fill(own, [{ 取組の柱: '職員の働き方', 取組項目: 'テレワーク', 担当課所: '市民課', 状況: '新規' }]);
  const group = await shisaku(['import', 'xlsx', own, ...ORG, '--year', '2024'], env);
  assert.equal(group.code, 1);
  assert.match(group.stderr, /取組の柱「職員の働き方」/);
  assert.equal((await json()).stdout, before);
});

test('a workbook of another year is refused naming both; a row without a name is refused with its row', async () => {
  const other = join(dir, 'other.xlsx');
  assert.equal((await shisaku(['export', 'xlsx', ...ORG, '--year', '2025', '--blank', '--out', other], env)).code, 0);
  await fill(other, [{ 取組の柱: '行政手続のオンライン化', 取組項目: '来年の取組', 担当課所: '市民課', 状況: '新規' }]);
  const wrongYear = await shisaku(['import', 'xlsx', other, ...ORG, '--year', '2024', '--create'], env);
  assert.equal(wrongYear.code, 1);
  assert.match(wrongYear.stderr, /説明シート \d+行目 自治体コード: 別の年度のブックです。.*2025年度.*取り込み先は.*2024年度/);

  const unnamed = join(dir, 'unnamed.xlsx');
  assert.equal((await shisaku(['export', 'xlsx', ...ORG, '--year', '2025', '--blank', '--out', unnamed], env)).code, 0);
  await fill(unnamed, [
    { 取組の柱: '行政手続のオンライン化', 取組項目: '名前のある取組', 担当課所: '市民課', 状況: '新規' },
    { 取組の柱: '行政手続のオンライン化', 担当課所: '市民課', 状況: '新規', 取組項目内容: '名前を書き忘れた' },
  ]);
  const refused = await shisaku(['import', 'xlsx', unnamed, ...ORG, '--year', '2025', '--create'], env);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /施策シート 3行目 取組項目: 取組項目が空です/);
  assert.notEqual((await shisaku(['export', 'json', ...ORG, '--year', '2025'], env)).code, 0, 'nothing was created');
});
