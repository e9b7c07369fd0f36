// A plan from a blank workbook, on both databases: a plan with no edition exports the template of its own
// shape (its level names, what it calls an initiative; one level, no sub-area column), a person fills it
// by column headings, and the preview lists the edition, groups and departments it would create; without
// confirmation nothing is written, with it everything is created in one change set, and the same file
// again announces nothing. A workbook of another organization, plan or year, a row without a name and a
// group the plan lacks (creation not confirmed) are refused with their message, and nothing changes. The
// sample's workbook keeps its columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { backends } from '../helpers/db.ts';
import type { Db } from '../../src/db/client.ts';
import * as s from '../../src/db/schema.ts';
import { loadSample, sampleDocument } from '../../src/db/sample.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { loadImportTarget } from '../../src/db/import-target.ts';
import { applyPreview, StalePreviewError } from '../../src/db/apply-changes.ts';
import { systemActor } from '../../src/db/command.ts';
import { createUser } from '../../src/db/accounts.ts';
import { createdLines, formatErrors, isEmptyPreview, previewSpreadsheet, type PreviewOptions } from '../../src/domain/changes.ts';
import { DEFAULT_PLAN_SETTINGS, statusLabel, type PlanSettings } from '../../src/domain/model.ts';
import { editionDocument, lintDocument } from '../../src/domain/lint.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { exportCsv } from '../../src/export/csv.ts';
import { readCsv, readXlsx } from '../../src/import/spreadsheet.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { signIn } from '../workspace/helpers.ts';

const ORG = { code: '221309', name: '浜松市' };
const PASSWORD = 'correct horse battery';

/** A plan inserted as it is stored, with no edition: plan creation is not what this test is about. */
async function addPlan(db: Db, org: { code: string; name: string }, plan: { title: string; from: number; to: number; settings: Partial<PlanSettings> }) {
  const [o] = await db.insert(s.organizations).values(org).onConflictDoNothing().returning({ id: s.organizations.id });
  const orgId = o?.id ?? (await db.select({ id: s.organizations.id }).from(s.organizations).where(sql`${s.organizations.code} = ${org.code}`))[0]!.id;
  await db.insert(s.plans).values({
    organizationId: orgId,
    title: plan.title,
    startFiscalYear: plan.from,
    endFiscalYear: plan.to,
    settings: { ...DEFAULT_PLAN_SETTINGS, ...plan.settings },
  });
  return orgId;
}

const TWO_LEVELS: Partial<PlanSettings> = { levels: ['取組の柱', '取組の方向'], initiativeName: '取組項目', departmentRequired: true };

/** Every row count and version that a write would touch: equal fingerprints, nothing written. */
async function fingerprint(db: Db): Promise<string> {
  const r = (await db.execute(
    sql`SELECT (SELECT count(*) FROM editions)::int AS e, (SELECT count(*) FROM pillars)::int AS p, (SELECT count(*) FROM sub_areas)::int AS s,
        (SELECT count(*) FROM initiatives)::int AS i, (SELECT count(*) FROM initiative_years)::int AS iy, (SELECT count(*) FROM departments)::int AS d,
        (SELECT count(*) FROM change_sets)::int AS c, (SELECT count(*) FROM audit_log)::int AS a, (SELECT coalesce(sum(version), 0)::int FROM organizations) AS ov,
        (SELECT coalesce(sum(version), 0)::int FROM plans) AS pv`,
  )) as unknown as { rows: unknown[] };
  return JSON.stringify(r.rows[0]);
}

/** A workbook's sheet as ExcelJS holds it, with its columns found by their headings. */
function headings(ws: ExcelJS.Worksheet): Map<string, number> {
  const out = new Map<string, number>();
  ws.getRow(1).eachCell((c, n) => out.set(String(c.value ?? '').trim(), n));
  return out;
}

async function open(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb;
}

/** Writes rows into a sheet by heading, from its second row; a heading the sheet lacks fails the test. */
function fill(ws: ExcelJS.Worksheet, rows: Record<string, string | number>[], from = 2) {
  const col = headings(ws);
  rows.forEach((row, k) => {
    for (const [h, v] of Object.entries(row)) {
      const n = col.get(h);
      assert.ok(n, `column ${h} in ${[...col.keys()].join(', ')}`);
      ws.getRow(from + k).getCell(n).value = v;
    }
  });
}

const ROWS: Record<string, string>[] = [
  {
    取組の柱: '行政手続のオンライン化',
    取組の方向: '申請',
    取組項目: '電子申請の拡充',
    担当課所: '市民課',
    状況: '実施中',
    取組項目内容: '窓口に来なくてもできる手続を増やす。',
  },
  { 取組の柱: '行政手続のオンライン化', 取組項目: 'キャッシュレス決済', 担当課所: 'デジタル推進課、市民課', 状況: '新規' },
  {
    取組の柱: 'デジタルで支える暮らし',
    取組項目: 'スマートフォン教室',
    担当課所: '高齢者福祉課',
    状況: '実施中',
    '実績（文章）': '【令和5年度】\n教室を「地区ごと」に開いた。',
  },
];

async function filledBlank(db: Db, fy: number, rows = ROWS, edit?: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const target = (await loadImportTarget(db, ORG.code, fy))!;
  const wb = await open(await exportWorkbook(target.current, { blank: true }));
  fill(wb.getWorksheet('施策')!, rows);
  edit?.(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function previewFile(db: Db, fy: number, bytes: Uint8Array, opts: PreviewOptions = {}) {
  const target = (await loadImportTarget(db, ORG.code, fy))!;
  const preview = previewSpreadsheet(target.current, await readXlsx(bytes), { newEdition: target.newEdition, planGroups: target.planGroups, ...opts });
  return { target, preview };
}

for (const backend of backends) {
  test(`${backend.name}: a plan from a blank workbook`, async (t) => {
    const database = await backend.open();
    const db = database.db;
    clearEditionCache();
    try {
      await loadSample(db);
      const orgId = await addPlan(db, ORG, { title: '浜松市DX推進計画', from: 2024, to: 2026, settings: TWO_LEVELS });
      await db.insert(s.departments).values({ organizationId: orgId, name: '市民課' });
      const actor = await systemActor(db, ORG.code);

      await t.test('the blank workbook of a plan with no edition is in the plan’s words and says whose it is', async () => {
        const target = (await loadImportTarget(db, ORG.code, 2024))!;
        assert.equal(target.newEdition, true);
        const wb = await open(await exportWorkbook(target.current, { blank: true }));
        assert.deepEqual(
          [...headings(wb.getWorksheet('施策')!).keys()],
          ['取組項目キー', '番号', '取組の柱', '取組の方向', '取組項目', '担当課所', '状況', '取組項目内容', '今年度の取組', '実績（文章）'],
        );
        assert.deepEqual([...headings(wb.getWorksheet('実績')!).keys()], ['取組項目キー', '番号', '取組項目', '項目', '実績値', '目標値', '単位', '備考']);
        assert.equal(headings(wb.getWorksheet('KPI')!).has('取組の柱'), true);
        const readme = wb.getWorksheet('説明')!;
        const said = new Map<string, string>();
        readme.eachRow((row) => said.set(String(row.getCell(1).value ?? ''), String(row.getCell(2).value ?? '')));
        assert.equal(said.get('自治体コード'), '221309');
        assert.equal(said.get('計画'), '浜松市DX推進計画');
        assert.equal(said.get('計画期間'), '2024〜2026年度');
        assert.equal(said.get('年度'), '2024年度');
        // The column explanations name the plan's columns.
        const explained = new Set<string>();
        readme.eachRow((row) => explained.add(`${row.getCell(1).value}/${row.getCell(2).value}`));
        for (const c of ['施策/取組の柱', '施策/取組の方向', '施策/取組項目', '施策/実績（文章）', '実績/取組項目キー']) assert.ok(explained.has(c), c);
        // CSV: the same headings.
        const csv = readCsv(exportCsv(target.current, 'initiatives')).sheet;
        assert.deepEqual(csv.header.slice(2, 5), ['取組の柱', '取組の方向', '取組項目']);
      });

      await t.test('filled in by headings: the preview lists what it creates; unconfirmed, nothing is written', async () => {
        const bytes = await filledBlank(db, 2024);
        const { preview } = await previewFile(db, 2024, bytes, { create: true });
        assert.deepEqual(formatErrors(preview.errors), []);
        assert.deepEqual(createdLines(preview), [
          '版「浜松市DX推進計画」（2024年度、下書き）',
          '取組の柱「行政手続のオンライン化」',
          '取組の柱「デジタルで支える暮らし」',
          '取組の方向「行政手続のオンライン化 ／ 申請」',
          '担当課所「デジタル推進課」',
          '担当課所「高齢者福祉課」',
        ]);
        // In print order: a pillar's initiatives without a sub-area come before those of its sub-areas.
        assert.deepEqual(preview.added.initiatives, ['新 キャッシュレス決済', '新 電子申請の拡充', '新 スマートフォン教室']);
        const before = await fingerprint(db);
        await assert.rejects(applyPreview(db, ORG.code, 2024, preview, { actor, source: 'test' }), (e: Error) => {
          assert.match(e.message, /新しく作成されます.*取組の柱「行政手続のオンライン化」.*担当課所「高齢者福祉課」/);
          return true;
        });
        assert.equal(await fingerprint(db), before, 'an unconfirmed file wrote nothing');
        assert.equal(await loadEdition(db, ORG.code, 2024), null);
      });

      await t.test('a preview made before the plan changed is not applied', async () => {
        const bytes = await filledBlank(db, 2024);
        const { preview, target } = await previewFile(db, 2024, bytes, { create: true });
        // Someone registers a department meanwhile: the edition the file was previewed against is gone.
        await db.insert(s.departments).values({ organizationId: orgId, name: '情報政策課' });
        const before = await fingerprint(db);
        await assert.rejects(
          applyPreview(db, ORG.code, 2024, preview, { actor, source: 'test', create: true, expectedStamp: target.stamp }),
          StalePreviewError,
        );
        assert.equal(await fingerprint(db), before);
      });

      await t.test('confirmed: the edition, its groups, departments and initiatives in one change set; again, nothing', async () => {
        const bytes = await filledBlank(db, 2024, ROWS, (wb) =>
          // A result of an initiative the same file adds, named by its title (it has no key yet).
          fill(wb.getWorksheet('実績')!, [{ 取組項目: 'スマートフォン教室', 項目: '参加者数', 実績値: 120, 単位: '人' }]),
        );
        const { preview, target } = await previewFile(db, 2024, bytes, { create: true });
        assert.deepEqual(formatErrors(preview.errors), []);
        assert.deepEqual(preview.added.results, ['新 スマートフォン教室 ／ 参加者数']);
        const sets = Number(((await db.execute(sql`SELECT count(*)::int AS n FROM change_sets`)) as unknown as { rows: { n: number }[] }).rows[0]!.n);
        const r = await applyPreview(db, ORG.code, 2024, preview, { actor, source: 'import:xlsx', create: true, expectedStamp: target.stamp });
        assert.ok(r.changeSetId);
        const after = Number(((await db.execute(sql`SELECT count(*)::int AS n FROM change_sets`)) as unknown as { rows: { n: number }[] }).rows[0]!.n);
        assert.equal(after, sets + 1, 'one change set');
        const stored = (await loadEdition(db, ORG.code, 2024))!;
        assert.equal(stored.edition.state, 'draft');
        assert.equal(stored.edition.title, '浜松市DX推進計画');
        assert.deepEqual(stored.initiatives, preview.next.initiatives, 'stored exactly as previewed');
        assert.deepEqual(stored.pillars, preview.next.pillars);
        assert.deepEqual(stored.departments, preview.next.departments);
        assert.deepEqual(
          stored.pillars.map((p) => [p.name, p.subAreas.map((x) => x.name)]),
          [
            ['行政手続のオンライン化', ['申請']],
            ['デジタルで支える暮らし', []],
          ],
        );
        const classes = stored.initiatives.find((i) => i.title === 'スマートフォン教室')!;
        assert.equal(classes.resultsText, '【令和5年度】\n教室を「地区ごと」に開いた。\n・参加者数 120人');
        assert.deepEqual(stored.initiatives.find((i) => i.title === 'キャッシュレス決済')!.departments, ['デジタル推進課', '市民課']);
        const audit = (await db.execute(
          sql`SELECT entity, action, count(*)::int AS n FROM audit_log WHERE change_set_id = ${r.changeSetId} GROUP BY entity, action ORDER BY entity, action`,
        )) as unknown as { rows: { entity: string; action: string; n: number }[] };
        assert.deepEqual(
          audit.rows.map((x) => `${x.entity} ${x.action} ${x.n}`),
          ['department insert 2', 'edition insert 1', 'initiative insert 3', 'pillar insert 2', 'sub-area insert 1'],
        );
        const again = (await previewFile(db, 2024, bytes, { create: true })).preview;
        assert.deepEqual(again.errors, []);
        assert.ok(isEmptyPreview(again), JSON.stringify([again.changes, again.added, again.created]));
      });

      await t.test('no result year is invented: new initiatives without results have none; one whose 実績 names a year has it', async () => {
        const stored = (await loadEdition(db, ORG.code, 2024))!;
        assert.deepEqual(
          stored.initiatives.map((i) => [i.title, i.resultsFiscalYear]),
          [
            ['キャッシュレス決済', null],
            ['電子申請の拡充', null],
            ['スマートフォン教室', 2023],
          ],
        );
        assert.deepEqual(
          lintDocument(editionDocument(stored, '2024')).filter((f) => f.ruleId === 'results-year'),
          [],
        );
        // In an edition with nothing to go by, a new initiative with results but no year of its own has none
        // either, and lint says so; one without results has no year to miss.
        const { preview } = await previewFile(
          db,
          2026,
          await filledBlank(db, 2026, [
            { 取組の柱: '行政手続のオンライン化', 取組項目: '窓口の予約', 担当課所: '市民課', 状況: '実施中', '実績（文章）': '予約を始めた。' },
            { 取組の柱: '行政手続のオンライン化', 取組項目: '窓口の混雑表示', 担当課所: '市民課', 状況: '新規' },
          ]),
          { create: true },
        );
        assert.deepEqual(formatErrors(preview.errors), []);
        assert.deepEqual(
          preview.next.initiatives.map((i) => i.resultsFiscalYear),
          [null, null],
        );
        const findings = lintDocument(editionDocument(preview.next, '2026')).filter((f) => f.ruleId === 'results-year');
        assert.deepEqual(
          findings.map((f) => f.message.ja),
          ['新 窓口の予約 の実績の年度が書かれていません。実績の最初の行に「【令和5年度】」のように年度を書いてください'],
        );
        // A new row with results in an edition whose initiatives report for one year (2023): that year.
        const wb = await open(await exportWorkbook(stored));
        fill(
          wb.getWorksheet('施策')!,
          [{ 取組の柱: '行政手続のオンライン化', 取組項目: '窓口の予約', 担当課所: '市民課', 状況: '新規', '実績（文章）': '予約を始めた。' }],
          wb.getWorksheet('施策')!.actualRowCount + 1,
        );
        const joined = (await previewFile(db, 2024, new Uint8Array(await wb.xlsx.writeBuffer()))).preview;
        assert.deepEqual(formatErrors(joined.errors), []);
        assert.equal(joined.next.initiatives.find((i) => i.title === '窓口の予約')!.resultsFiscalYear, 2023);
        // A stored initiative whose year is unknown takes the one its 実績 is given, as the finding asks, and the preview lists it.
        const wb2 = await open(await exportWorkbook(stored));
        const ws2 = wb2.getWorksheet('施策')!;
        const row = stored.initiatives.findIndex((i) => i.title === '電子申請の拡充') + 2;
        ws2.getRow(row).getCell(headings(ws2).get('実績（文章）')!).value = '【令和6年度】\n申請できる手続を増やした。';
        const dated = (await previewFile(db, 2024, new Uint8Array(await wb2.xlsx.writeBuffer()))).preview;
        assert.deepEqual(formatErrors(dated.errors), []);
        assert.deepEqual(
          dated.changes.filter((c) => c.field === '実績の年度').map((c) => [c.label, c.before, c.after]),
          [['新 電子申請の拡充', null, '令和6年度（2024年度）']],
        );
        assert.equal(dated.next.initiatives.find((i) => i.title === '電子申請の拡充')!.resultsFiscalYear, 2024);
      });

      await t.test('a workbook of another organization, plan or year is refused, naming both; nothing changes', async () => {
        const before = await fingerprint(db);
        // The sample's (日立市) into 浜松市's 2024 edition.
        const sample = await exportWorkbook((await loadEdition(db, '082023', 2023))!);
        let { preview } = await previewFile(db, 2024, sample);
        assert.equal(preview.errors.length, 1);
        assert.equal(preview.errors[0]!.sheet, '説明');
        assert.match(
          preview.errors[0]!.message,
          /^別の自治体のブックです。このブックは 日立市（082023）「日立市デジタル化推進計画」.*取り込み先は 浜松市（221309）「浜松市DX推進計画」/,
        );
        // The same plan, another year: 2025 has no edition, its blank workbook is not 2024's.
        preview = (await previewFile(db, 2024, await filledBlank(db, 2025))).preview;
        assert.match(
          formatErrors(preview.errors)[0]!,
          /説明シート \d+行目 自治体コード: 別の年度のブックです。.*令和7年度（2025年度）版 のもので、取り込み先は .*令和6年度（2024年度）版 です/,
        );
        // Another plan of the same organization.
        await addPlan(db, ORG, { title: '浜松市次期DX計画', from: 2027, to: 2030, settings: TWO_LEVELS });
        const other = (await loadImportTarget(db, ORG.code, 2027))!;
        preview = (await previewFile(db, 2024, await exportWorkbook(other.current, { blank: true }))).preview;
        assert.match(preview.errors[0]!.message, /^別の計画のブックです。.*「浜松市次期DX計画」（2027〜2030年度）.*「浜松市DX推進計画」（2024〜2026年度）/);
        await assert.rejects(applyPreview(db, ORG.code, 2024, preview, { actor, source: 'test', create: true }), /エラーが 1 件/);
        await db.delete(s.plans).where(sql`${s.plans.title} = '浜松市次期DX計画'`);
        assert.equal(await fingerprint(db), before);
      });

      await t.test('a row without a name is refused with its row number; so is a group the plan lacks when creation is not confirmed', async () => {
        const before = await fingerprint(db);
        const stored = (await loadEdition(db, ORG.code, 2024))!;
        const wb = await open(await exportWorkbook(stored));
        const ws = wb.getWorksheet('施策')!;
        const next = ws.actualRowCount + 1;
        fill(ws, [{ 取組の柱: '行政手続のオンライン化', 担当課所: '市民課', 状況: '新規', 取組項目内容: '名前を書き忘れた行' }], next);
        let { preview } = await previewFile(db, 2024, new Uint8Array(await wb.xlsx.writeBuffer()), { create: true });
        assert.deepEqual(formatErrors(preview.errors), [`施策シート ${next}行目 取組項目: 取組項目が空です`]);

        const wb2 = await open(await exportWorkbook(stored));
        fill(wb2.getWorksheet('施策')!, [{ 取組の柱: '新しい柱', 取組項目: '新しい柱の取組', 担当課所: '市民課', 状況: '新規' }], next);
        const file = new Uint8Array(await wb2.xlsx.writeBuffer());
        preview = (await previewFile(db, 2024, file)).preview;
        assert.equal(preview.errors.length, 1);
        assert.equal(preview.errors[0]!.row, next);
        assert.match(preview.errors[0]!.message, /取組の柱「新しい柱」はこの計画にありません/);
        await assert.rejects(applyPreview(db, ORG.code, 2024, preview, { actor, source: 'test' }));
        // Confirmed for creation, the same file only lists it; applying unconfirmed is still refused.
        preview = (await previewFile(db, 2024, file, { create: true })).preview;
        assert.deepEqual(createdLines(preview), ['取組の柱「新しい柱」']);
        await assert.rejects(applyPreview(db, ORG.code, 2024, preview, { actor, source: 'test' }), /取組の柱「新しい柱」/);
        assert.equal(await fingerprint(db), before);
      });

      await t.test('a department is required only where the plan says so', async () => {
        const stored = (await loadEdition(db, ORG.code, 2024))!;
        const wb = await open(await exportWorkbook(stored));
        const ws = wb.getWorksheet('施策')!;
        const row = ws.actualRowCount + 1;
        fill(ws, [{ 取組の柱: 'デジタルで支える暮らし', 取組項目: '担当の決まっていない取組', 状況: '未着手' }], row);
        const file = new Uint8Array(await wb.xlsx.writeBuffer());
        assert.deepEqual(formatErrors((await previewFile(db, 2024, file)).preview.errors), [`施策シート ${row}行目 担当課所: 担当課所が空です`]);
        await db.execute(sql`UPDATE plans SET settings = jsonb_set(settings, '{departmentRequired}', 'false') WHERE title = '浜松市DX推進計画'`);
        const { preview } = await previewFile(db, 2024, file);
        assert.deepEqual(preview.errors, []);
        assert.deepEqual(preview.next.initiatives.find((i) => i.title === '担当の決まっていない取組')!.departments, []);
        await db.execute(sql`UPDATE plans SET settings = jsonb_set(settings, '{departmentRequired}', 'true') WHERE title = '浜松市DX推進計画'`);
      });

      await t.test('a plan of one level: no sub-area column, and its workbook imports', async () => {
        await addPlan(
          db,
          { code: '221007', name: '静岡市' },
          { title: '一層の計画', from: 2024, to: 2025, settings: { levels: ['取組の柱'], initiativeName: '取組項目' } },
        );
        const target = (await loadImportTarget(db, '221007', 2024))!;
        const wb = await open(await exportWorkbook(target.current, { blank: true }));
        const cols = [...headings(wb.getWorksheet('施策')!).keys()];
        assert.deepEqual(cols, ['取組項目キー', '番号', '取組の柱', '取組項目', '担当課所', '状況', '取組項目内容', '今年度の取組', '実績（文章）']);
        assert.ok(!cols.includes('分野') && !cols.includes('取組の方向'));
        fill(wb.getWorksheet('施策')!, [{ 取組の柱: 'ひとつの柱', 取組項目: '柱だけの取組', 担当課所: '企画課', 状況: '新規' }]);
        const preview = previewSpreadsheet(target.current, await readXlsx(new Uint8Array(await wb.xlsx.writeBuffer())), {
          create: true,
          newEdition: true,
          planGroups: target.planGroups,
        });
        assert.deepEqual(preview.errors, []);
        assert.deepEqual(createdLines(preview), ['版「一層の計画」（2024年度、下書き）', '取組の柱「ひとつの柱」', '担当課所「企画課」']);
        assert.equal(preview.next.initiatives[0]!.subAreaKey, null);
      });

      await t.test('the upload page: a blank workbook creates the edition once the person ticks the box', async () => {
        await createUser(db, { orgCode: ORG.code, login: 'hamamatsu', displayName: '管理者', password: PASSWORD, role: 'admin', departments: [] });
        const app = createApp({ database });
        const admin = await signIn(app, 'hamamatsu', PASSWORD);
        const blank = await app.request('/admin/e/2025/import/workbook.xlsx', {
          headers: { cookie: (await signInCookie(app)) ?? '' },
        });
        assert.equal(blank.status, 200);
        const wb = await open(new Uint8Array(await blank.arrayBuffer()));
        fill(wb.getWorksheet('施策')!, [
          { 取組の柱: '行政手続のオンライン化', 取組項目: '電子申請の拡充', 担当課所: '市民課', 状況: '実施中' },
          { 取組の柱: '新しい柱', 取組項目: '新しい取組', 担当課所: '未登録課', 状況: '新規' },
        ]);
        const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
        const page = await admin.upload('/admin/e/2025/import', {}, { name: 'plan.xlsx', bytes });
        assert.equal(page.status, 200, page.html);
        assert.match(page.html, /新しく作成されるもの/);
        assert.match(page.html, /版「浜松市DX推進計画」（2025年度、下書き）/);
        assert.match(page.html, /取組の柱「新しい柱」/);
        assert.match(page.html, /担当課所「未登録課」/);
        assert.match(page.html, /name="create"/);
        const id = /name="id" value="([0-9a-f]+)"/.exec(page.html)![1]!;
        const before = await fingerprint(db);
        const refused = await admin.post('/admin/e/2025/import/apply', { id, alias_0: '' });
        assert.equal(refused.status, 400);
        assert.match(refused.html, /確認欄にチェック/);
        assert.equal(await fingerprint(db), before, 'an unticked apply wrote nothing');
        // The unknown department is made another spelling of 市民課 instead of being created.
        const done = await admin.post('/admin/e/2025/import/apply', { id, create: 'on', alias_0: '市民課' });
        assert.equal(done.status, 303, done.html);
        const stored = (await loadEdition(db, ORG.code, 2025))!;
        assert.equal(stored.edition.state, 'draft');
        assert.deepEqual(
          stored.initiatives.map((i) => [i.title, i.departments, statusLabel(i.status), i.resultsFiscalYear]),
          [
            ['電子申請の拡充', ['市民課'], '実施中', null],
            ['新しい取組', ['市民課'], '新規', null],
          ],
        );
        assert.equal(stored.departments.find((d) => d.name === '市民課')!.aliases.includes('未登録課'), true);
        assert.equal(
          stored.departments.some((d) => d.name === '未登録課'),
          false,
        );
        // A group the plan has in 2024 keeps its key in 2025 (as the rollover keeps it); a new one takes a key no edition used.
        const pillars2024 = (await loadEdition(db, ORG.code, 2024))!.pillars;
        const key = (name: string, list: { key: string; name: string }[]) => list.find((p) => p.name === name)?.key;
        assert.equal(key('行政手続のオンライン化', stored.pillars), key('行政手続のオンライン化', pillars2024));
        assert.ok(!pillars2024.some((p) => p.key === key('新しい柱', stored.pillars)));
      });

      await t.test('the sample’s workbook keeps its columns, cell for cell, with the prose column added at the end', async () => {
        const data = sampleDocument().doc.data;
        const wb = await open(await exportWorkbook(data));
        const ws = wb.getWorksheet('施策')!;
        assert.deepEqual(
          [...headings(ws).keys()],
          ['施策キー', '番号', '施策体系', '分野', '施策名', '担当課所', '状況', '施策内容', '今年度の取組', '実績（文章）'],
        );
        assert.deepEqual([...headings(wb.getWorksheet('実績')!).keys()], ['施策キー', '番号', '施策名', '項目', '実績値', '目標値', '単位', '備考']);
        assert.deepEqual(
          [...headings(wb.getWorksheet('KPI')!).keys()],
          ['KPIキー', '指標名', '施策体系', '単位', '目標値', ...[2022, 2023, 2024, 2025, 2026].map((y) => `実績 ${y}年度`)],
        );
        const pillar = new Map(data.pillars.map((p) => [p.key, p.name]));
        const sub = new Map(data.pillars.flatMap((p) => p.subAreas.map((x) => [x.key, x.name] as const)));
        data.initiatives.forEach((i, k) => {
          const cells = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ws.getRow(k + 2).getCell(n).value ?? '');
          assert.deepEqual(
            cells,
            [
              i.key,
              i.number ?? '新',
              pillar.get(i.pillarKey),
              i.subAreaKey ? sub.get(i.subAreaKey) : '',
              i.title,
              i.departments.join('、'),
              statusLabel(i.status),
              i.content,
              i.plan,
            ],
            `row ${k + 2}`,
          );
        });
        // Column by column the old positions hold: the status and department drop-downs stay on G and F.
        assert.equal(ws.getCell('G2').dataValidation?.type, 'list');
        assert.equal(ws.getCell('F2').dataValidation?.type, 'list');
      });
    } finally {
      await database.close();
    }
  });
}

/** The session cookie of the organization's admin, for a plain GET of a download. */
async function signInCookie(app: ReturnType<typeof createApp>): Promise<string | null> {
  const res = await app.request('/admin/login', { method: 'POST', body: new URLSearchParams({ login: 'hamamatsu', password: PASSWORD, next: '/admin' }) });
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? null;
}
