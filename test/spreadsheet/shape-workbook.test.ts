// The workbook of a plan with a shape of its own, end to end on both databases: a plan of three levels
// with sections of every type, indicators (per year, cumulative, qualitative, lower-is-better, with
// baselines), grades set by hand and a quarterly schedule with milestones. Its blank workbook has the
// columns, drop-downs and sheets the plan asks for; filled in by heading it previews as the edition to
// create (groups at every level, parents first); applied, the stored edition is the preview's `next`;
// exported again and re-imported untouched it announces nothing. Bad values are refused, each with its
// Japanese message at its sheet, row and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { backends } from '../helpers/db.ts';
import type { Db } from '../../src/db/client.ts';
import { addOrganization, platformSystemActor } from '../../src/db/organizations.ts';
import { systemActor } from '../../src/db/command.ts';
import { createPlan } from '../../src/db/plans.ts';
import { loadImportTarget } from '../../src/db/import-target.ts';
import { applyPreview } from '../../src/db/apply-changes.ts';
import { loadEdition } from '../../src/db/edition-read.ts';
import type { PlanDefinition } from '../../src/domain/plan-definition.ts';
import { createdLines, formatErrors, isEmptyPreview, previewSpreadsheet, type PreviewOptions } from '../../src/domain/changes.ts';
import { DEFAULT_PLAN_SETTINGS, type EditionData, type Initiative, type PlanSettings } from '../../src/domain/model.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { exportCsv, spreadsheetRows } from '../../src/export/csv.ts';
import { readCsv, readXlsx } from '../../src/import/spreadsheet.ts';

const CODE = '221309';

/** The plan's shape, written here as the settings it is stored with (the definition file's parser is tested on its own). */
const SETTINGS: PlanSettings = {
  ...DEFAULT_PLAN_SETTINGS,
  levels: ['基本目標', '取組分野', '取組事項'],
  initiativeName: '取組',
  fields: [
    { key: 'content', label: '取組の内容', type: 'text' },
    { key: 'plan', label: '今年度の取組', type: 'text' },
    { key: 'budget', label: '事業費', type: 'money' },
    { key: 'count', label: '対象件数', type: 'number' },
    { key: 'page', label: '紹介ページ', type: 'url' },
    { key: 'start', label: '開始日', type: 'date' },
    { key: 'target', label: '対象', type: 'select', options: ['全庁', '市民', '事業者'] },
    { key: 'open', label: '公開', type: 'boolean' },
  ],
  indicatorKinds: ['活動指標', '成果指標'],
  grades: {
    scale: [
      { grade: 'A', label: '達成', min: '100' },
      { grade: 'B', label: '概ね達成', min: '80' },
      { grade: 'C', label: '遅れ', min: '50' },
      { grade: 'D', label: '大幅な遅れ', min: '0' },
    ],
    unrated: { grade: '－', label: '未評価' },
    publish: false,
  },
  schedule: { unit: 'quarter', phases: ['検討', '準備', '実施', '運用'], milestones: true },
};

function definition(): PlanDefinition {
  const s = SETTINGS;
  return {
    organization: { code: CODE, name: '浜松市' },
    title: '浜松市DX推進計画',
    period: { from: 2024, to: 2025 },
    levels: s.levels,
    initiative: s.initiativeName,
    firstEdition: null,
    progress: s.progress,
    departmentRequired: s.departmentRequired,
    fields: s.fields!,
    indicatorKinds: s.indicatorKinds!,
    grades: s.grades!,
    schedule: s.schedule!,
  };
}

async function open(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb;
}

function headings(ws: ExcelJS.Worksheet): string[] {
  const out: string[] = [];
  ws.getRow(1).eachCell((c, n) => (out[n - 1] = String(c.value ?? '').trim()));
  return out;
}

/** Writes rows into a sheet by heading from `from` on; a heading the sheet lacks fails the test. */
function fill(ws: ExcelJS.Worksheet, rows: Record<string, string | number | null>[], from = 2) {
  const col = headings(ws);
  rows.forEach((row, k) => {
    for (const [h, v] of Object.entries(row)) {
      const n = col.indexOf(h);
      assert.ok(n >= 0, `column ${h} in ${col.join(', ')}`);
      ws.getRow(from + k).getCell(n + 1).value = v;
    }
  });
}

const INITIATIVES: Record<string, string | number>[] = [
  {
    基本目標: 'くらし',
    取組分野: '手続',
    取組事項: 'オンライン申請',
    取組名: '電子申請の拡充',
    担当課所: '市民課',
    状況: '実施中',
    取組の内容: '窓口に来なくてもできる手続を増やす。',
    今年度の取組: '子育ての手続を対応させる。',
    事業費: '1,200,000',
    対象件数: 30,
    紹介ページ: 'https://example.jp/online',
    開始日: '2024/4/1',
    対象: '市民',
    公開: 'はい',
    評価: 'B',
    評価の理由: '下期に遅れを取り戻した',
    '工程 2024年度 第1四半期': '検討',
    '工程 2024年度 第2四半期': '準備',
    '工程 2024年度 第3四半期': '実施',
    '工程 2024年度 第4四半期': '実施',
    '工程 2025年度 第1四半期': '運用',
  },
  // No 取組事項: the initiative sits directly in its 取組分野.
  { 基本目標: 'くらし', 取組分野: '手続', 取組名: 'キャッシュレス決済', 担当課所: '会計課', 状況: '新規', 公開: 'いいえ' },
  { 基本目標: 'しごと', 取組分野: 'DX人材', 取組事項: '研修', 取組名: '職員研修', 担当課所: '人事課', 状況: '実施中', 対象: '全庁' },
];

const INDICATORS: Record<string, string | number>[] = [
  {
    取組名: '電子申請の拡充',
    指標名: '電子申請件数',
    種類: '成果指標',
    単位: '件',
    目標の種類: '年間',
    '2024年度目標': 1000,
    '2024年度実績': 1200,
    '2025年度目標': 1000,
  },
  {
    取組名: '電子申請の拡充',
    指標名: '対応した手続',
    種類: '活動指標',
    単位: '手続',
    目標の種類: '累計',
    基準年度: 2023,
    基準値: 10,
    目標年度: 2025,
    目標値: 50,
    '2024年度実績': 30,
  },
  {
    取組名: 'キャッシュレス決済',
    指標名: '窓口の待ち時間',
    種類: '成果指標',
    単位: '分',
    方向: '低いほど良い',
    基準年度: 2023,
    基準値: '30',
    目標年度: 2025,
    目標値: '10',
    '2024年度実績': '20.5',
  },
  { 取組名: '職員研修', 指標名: '研修の方針', 目標の種類: '定性', 定性目標: '研修方針の策定', '2024年度実績': '達成' },
];

const MILESTONES: Record<string, string>[] = [
  { 取組名: '電子申請の拡充', 日付: '2024-10', 内容: '新システム稼働', 完了: 'はい' },
  { 取組名: '電子申請の拡充', 日付: '2025/3/31', 内容: '効果検証' },
];

async function filledBlank(current: EditionData, edit?: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = await open(await exportWorkbook(current, { blank: true }));
  fill(wb.getWorksheet('施策')!, INITIATIVES);
  fill(wb.getWorksheet('指標')!, INDICATORS);
  fill(wb.getWorksheet('マイルストーン')!, MILESTONES);
  edit?.(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const byTitle = (d: EditionData, title: string): Initiative => d.initiatives.find((i) => i.title === title)!;

/** What a test compares of two states of an edition: its groups and initiatives, and the departments' names. */
const content = (d: EditionData) => ({ pillars: d.pillars, initiatives: d.initiatives, departments: d.departments.map((x) => x.name).sort() });

async function setUp(db: Db) {
  await addOrganization(db, platformSystemActor, { code: CODE, name: '浜松市' });
  const actor = await systemActor(db, CODE, 'test');
  await createPlan(db, actor, definition());
  return actor;
}

for (const backend of backends) {
  test(`${backend.name}: the workbook of a plan with its own shape`, async (t) => {
    const database = await backend.open();
    const db = database.db;
    try {
      const actor = await setUp(db);
      const target = (await loadImportTarget(db, CODE, 2024))!;
      assert.equal(target.newEdition, true);

      await t.test('the blank workbook has the columns, drop-downs and sheets of the plan', async () => {
        const wb = await open(await exportWorkbook(target.current, { blank: true }));
        assert.deepEqual(
          wb.worksheets.map((w) => w.name),
          ['説明', 'リスト', '施策', '実績', 'KPI', '指標', 'マイルストーン'],
        );
        const ws = wb.getWorksheet('施策')!;
        const quarters = [2024, 2025].flatMap((y) => [1, 2, 3, 4].map((q) => `工程 ${y}年度 第${q}四半期`));
        assert.deepEqual(headings(ws), [
          '取組キー',
          '番号',
          '基本目標',
          '取組分野',
          '取組事項',
          '取組名',
          '担当課所',
          '状況',
          '取組の内容',
          '今年度の取組',
          '事業費',
          '対象件数',
          '紹介ページ',
          '開始日',
          '対象',
          '公開',
          '実績（文章）',
          '評価',
          '評価の理由',
          ...quarters,
        ]);
        const h = headings(ws);
        const list = (name: string, sheet = ws) => {
          const v = sheet.getCell(2, headings(sheet).indexOf(name) + 1).dataValidation;
          assert.equal(v?.type, 'list', `${name} has a drop-down`);
          const m = /^リスト!\$([A-Z]+)\$1:\$[A-Z]+\$(\d+)$/.exec(String(v!.formulae![0]));
          assert.ok(m, String(v!.formulae![0]));
          const lists = wb.getWorksheet('リスト')!;
          const out: string[] = [];
          for (let r = 1; r <= Number(m[2]); r++) out.push(String(lists.getCell(`${m[1]}${r}`).value));
          return out;
        };
        assert.deepEqual(list('対象'), ['全庁', '市民', '事業者']);
        assert.deepEqual(list('公開'), ['はい', 'いいえ']);
        assert.deepEqual(list('評価'), ['A', 'B', 'C', 'D', '－']);
        assert.deepEqual(list('工程 2025年度 第4四半期'), ['検討', '準備', '実施', '運用']);
        assert.equal(ws.getCell(2, h.indexOf('状況') + 1).dataValidation?.type, 'list', 'status as before');
        assert.equal(ws.getCell(2, h.indexOf('事業費') + 1).dataValidation?.type, undefined, 'a money field is typed, not chosen');

        const is = wb.getWorksheet('指標')!;
        assert.deepEqual(headings(is), [
          '取組キー',
          '番号',
          '取組名',
          '指標キー',
          '指標名',
          '種類',
          '単位',
          '方向',
          '目標の種類',
          '定性目標',
          '基準年度',
          '基準値',
          '目標年度',
          '目標値',
          '2024年度目標',
          '2024年度実績',
          '2025年度目標',
          '2025年度実績',
        ]);
        assert.deepEqual(list('種類', is), ['活動指標', '成果指標']);
        assert.deepEqual(list('方向', is), ['高いほど良い', '低いほど良い']);
        assert.deepEqual(list('目標の種類', is), ['数値', '年間', '累計', '定性']);
        const ms = wb.getWorksheet('マイルストーン')!;
        assert.deepEqual(headings(ms), ['取組キー', '取組名', '日付', '内容', '完了']);
        assert.deepEqual(list('完了', ms), ['はい', 'いいえ']);
        for (const sheet of [ws, is, ms]) assert.equal(sheet.getCell(2, 1).protection?.locked, false, `${sheet.name}: a spare row is editable`);

        // The 説明 sheet explains the new columns, a series of columns once.
        const readme: string[] = [];
        wb.getWorksheet('説明')!.eachRow((r) => readme.push((r.values as unknown[]).slice(1).join('|')));
        const text = readme.join('\n');
        for (const line of [
          '施策|取組事項|取組分野の中の取組事項の名前',
          '施策|事業費|金額（数値のみ',
          '施策|開始日|日付（例: 2024-04-01',
          '施策|対象|全庁／市民／事業者 から選びます。',
          '施策|評価|手で決める評価（A: 達成、B: 概ね達成、C: 遅れ、D: 大幅な遅れ、－: 未評価）',
          '施策|工程 2024年度 第1四半期 〜 工程 2025年度 第4四半期|その期間の工程（検討／準備／実施／運用）',
          '指標|目標の種類|数値（最終目標の値）',
          '指標|2024年度実績 〜 2025年度実績|その年度の実績値',
          'マイルストーン|日付|予定日（YYYY-MM-DD）',
          '・基本目標 → 取組分野 → 取組事項 の順に',
        ])
          assert.ok(text.includes(line), line);
      });

      const bytes = await filledBlank(target.current);
      const opts: PreviewOptions = { create: true, newEdition: true, planGroups: target.planGroups };
      const preview = previewSpreadsheet(target.current, await readXlsx(bytes), opts);

      await t.test('filled in by heading, it previews the edition with groups at every level, parents first', async () => {
        assert.deepEqual(formatErrors(preview.errors), []);
        assert.deepEqual(preview.created.pillars, ['くらし', 'しごと']);
        assert.deepEqual(preview.created.subAreas, ['くらし ／ 手続', 'くらし ／ 手続 ／ オンライン申請', 'しごと ／ DX人材', 'しごと ／ DX人材 ／ 研修']);
        assert.ok(createdLines(preview).includes('取組事項「くらし ／ 手続 ／ オンライン申請」'), createdLines(preview).join('\n'));
        assert.ok(createdLines(preview).includes('取組分野「しごと ／ DX人材」'));
        const n = preview.next;
        const life = n.pillars.find((p) => p.name === 'くらし')!;
        const proc = life.subAreas.find((s) => s.name === '手続')!;
        const online = life.subAreas.find((s) => s.name === 'オンライン申請')!;
        assert.equal(proc.parentKey, undefined);
        assert.equal(online.parentKey, proc.key);
        assert.ok(life.subAreas.indexOf(proc) < life.subAreas.indexOf(online), 'parents first');

        const e = byTitle(n, '電子申請の拡充');
        assert.equal(e.subAreaKey, online.key);
        assert.equal(byTitle(n, 'キャッシュレス決済').subAreaKey, proc.key, 'an empty 取組事項: directly in its 取組分野');
        assert.equal(e.content, '窓口に来なくてもできる手続を増やす。');
        assert.deepEqual(e.fields, { budget: '1200000', count: '30', page: 'https://example.jp/online', start: '2024-04-01', target: '市民', open: true });
        assert.deepEqual(byTitle(n, 'キャッシュレス決済').fields, { open: false });
        assert.deepEqual(e.grade, { grade: 'B', reason: '下期に遅れを取り戻した', by: null });
        assert.deepEqual(e.schedule, [
          { period: '2024Q1', phase: '検討' },
          { period: '2024Q2', phase: '準備' },
          { period: '2024Q3', phase: '実施' },
          { period: '2024Q4', phase: '実施' },
          { period: '2025Q1', phase: '運用' },
        ]);
        assert.deepEqual(e.milestones, [
          { date: '2024-10', label: '新システム稼働', done: true },
          { date: '2025-03-31', label: '効果検証', done: false },
        ]);
        const [perYear, cumulative] = e.indicators!;
        assert.deepEqual(
          { ...perYear, key: undefined },
          {
            key: undefined,
            name: '電子申請件数',
            kind: '成果指標',
            unit: '件',
            direction: 'higher',
            cumulative: false,
            perYear: true,
            baseline: null,
            target: null,
            qualitative: null,
            values: [
              { fiscalYear: 2024, target: '1000', actual: '1200', achieved: null },
              { fiscalYear: 2025, target: '1000', actual: null, achieved: null },
            ],
          },
        );
        assert.equal(cumulative!.cumulative, true);
        assert.deepEqual(cumulative!.baseline, { fiscalYear: 2023, value: '10' });
        assert.deepEqual(cumulative!.target, { fiscalYear: 2025, value: '50' });
        assert.notEqual(perYear!.key, cumulative!.key);
        const wait = byTitle(n, 'キャッシュレス決済').indicators![0]!;
        assert.equal(wait.direction, 'lower');
        assert.deepEqual(wait.values, [{ fiscalYear: 2024, target: null, actual: '20.5', achieved: null }]);
        const policy = byTitle(n, '職員研修').indicators![0]!;
        assert.equal(policy.qualitative, '研修方針の策定');
        assert.equal(policy.kind, null);
        assert.deepEqual(policy.values, [{ fiscalYear: 2024, target: null, actual: null, achieved: true }]);
        assert.equal(byTitle(n, '職員研修').grade, undefined, 'no grade by hand: computed');
        assert.equal('schedule' in byTitle(n, '職員研修'), false, 'canonical: an empty part is absent');

        // A second preview of the same file agrees, keys of new indicators included.
        const again = previewSpreadsheet(target.current, await readXlsx(bytes), opts);
        assert.deepEqual(again.next, preview.next);
      });

      await t.test('applied, the stored edition is the preview; exported and re-imported untouched it announces nothing', async () => {
        await applyPreview(db, CODE, 2024, preview, { actor, source: 'import:xlsx', expectedStamp: target.stamp, create: true });
        const stored = (await loadEdition(db, CODE, 2024))!;
        assert.deepEqual(content(stored), content(preview.next));
        const exported = await exportWorkbook(stored);
        const back = previewSpreadsheet(stored, await readXlsx(exported));
        assert.deepEqual(formatErrors(back.errors), []);
        assert.ok(isEmptyPreview(back), JSON.stringify(back.changes));
        // The same filled blank uploaded again into the edition it created adds nothing either.
        const twice = previewSpreadsheet(stored, await readXlsx(bytes), { create: true });
        assert.deepEqual(formatErrors(twice.errors), []);
        assert.ok(isEmptyPreview(twice), JSON.stringify([twice.changes, twice.added, twice.created]));
        // The CSV tables have the same columns and read back the same, in UTF-8 and in Shift_JIS.
        for (const encoding of ['utf8', 'sjis'] as const) {
          for (const table of ['initiatives', 'indicators', 'milestones'] as const) {
            const { sheet } = readCsv(exportCsv(stored, table, { encoding }));
            assert.equal(sheet.kind, table);
            const csv = previewSpreadsheet(stored, [sheet]);
            assert.deepEqual(formatErrors(csv.errors), [], `${table} ${encoding}`);
            assert.ok(isEmptyPreview(csv), `${table} ${encoding}: ${JSON.stringify(csv.changes)}`);
          }
        }
        assert.deepEqual(spreadsheetRows(stored, 'initiatives')[0], headings((await open(exported)).getWorksheet('施策')!));
      });

      await t.test('an edit of an exported workbook changes what it says and keeps what it leaves out', async () => {
        const stored = (await loadEdition(db, CODE, 2024))!;
        const wb = await open(await exportWorkbook(stored));
        const ws = wb.getWorksheet('施策')!;
        const h = headings(ws);
        let r = 2;
        while (ws.getCell(r, h.indexOf('取組名') + 1).value !== '電子申請の拡充') r++;
        ws.getCell(r, h.indexOf('事業費') + 1).value = 1500000;
        ws.getCell(r, h.indexOf('評価') + 1).value = null;
        ws.getCell(r, h.indexOf('評価の理由') + 1).value = null;
        ws.getCell(r, h.indexOf('工程 2025年度 第2四半期') + 1).value = '運用';
        // A column left out keeps what is stored.
        ws.spliceColumns(h.indexOf('紹介ページ') + 1, 1);
        const is = wb.getWorksheet('指標')!;
        const ih = headings(is);
        let k = 2;
        while (is.getCell(k, ih.indexOf('指標名') + 1).value !== '窓口の待ち時間') k++;
        is.getCell(k, ih.indexOf('2025年度実績') + 1).value = 12;
        const p = previewSpreadsheet(stored, await readXlsx(new Uint8Array(await wb.xlsx.writeBuffer())));
        assert.deepEqual(formatErrors(p.errors), []);
        assert.deepEqual(
          p.changes.map((c) => `${c.label} ${c.field}: ${c.before ?? ''} → ${c.after ?? ''}`).sort(),
          [
            '新 電子申請の拡充 事業費: 1200000 → 1500000',
            '新 電子申請の拡充 評価（手動）: B（下期に遅れを取り戻した） → ',
            '新 電子申請の拡充 スケジュール: 2024Q1 検討、2024Q2 準備、2024Q3 実施、2024Q4 実施、2025Q1 運用 → 2024Q1 検討、2024Q2 準備、2024Q3 実施、2024Q4 実施、2025Q1 運用、2025Q2 運用',
            '新 キャッシュレス決済 指標: 窓口の待ち時間（成果指標／単位 分／低いほど良い／基準 2023年度 30／目標 2025年度 10／2024年度 実績 20.5） → 窓口の待ち時間（成果指標／単位 分／低いほど良い／基準 2023年度 30／目標 2025年度 10／2024年度 実績 20.5／2025年度 実績 12）',
          ].sort(),
        );
        const e = byTitle(p.next, '電子申請の拡充');
        assert.equal(e.fields?.page, 'https://example.jp/online');
        assert.equal(e.grade, undefined);
        assert.deepEqual(byTitle(p.next, 'キャッシュレス決済').indicators![0]!.values.at(-1), { fiscalYear: 2025, target: null, actual: '12', achieved: null });
      });

      await t.test('bad values are refused, each at its sheet, row and column', async () => {
        const stored = (await loadEdition(db, CODE, 2024))!;
        const wb = await open(await exportWorkbook(stored, { blank: true }));
        const base = { 基本目標: 'くらし', 取組分野: '手続', 担当課所: '市民課', 状況: '実施中' };
        fill(wb.getWorksheet('施策')!, [
          { ...base, 基本目標: 'まち', 取組名: 'a1' },
          { ...base, 取組分野: '窓口', 取組名: 'a2' },
          { ...base, 取組事項: '郵送', 取組名: 'a3' },
          { ...base, 取組分野: null, 取組事項: 'オンライン申請', 取組名: 'a4' },
          { ...base, 取組名: 'a5', 事業費: 'たくさん' },
          { ...base, 取組名: 'a6', 開始日: '2024/2/30' },
          { ...base, 取組名: 'a7', 対象: '海外' },
          { ...base, 取組名: 'a8', 公開: 'たぶん' },
          { ...base, 取組名: 'a9', 紹介ページ: 'ftp://example.jp/' },
          { ...base, 取組名: 'a10', '工程 2024年度 第1四半期': '試行' },
          { ...base, 取組名: 'a11', 評価: 'S' },
          { ...base, 取組名: 'a12', 評価の理由: '特になし' },
          { ...base, 取組名: 'a13', 対象件数: '3件' },
        ]);
        const i = { 取組名: '電子申請の拡充', 指標名: 'x' };
        fill(wb.getWorksheet('指標')!, [
          { ...i, '2024年度目標': 'abc' },
          { ...i, 基準年度: '昔', 基準値: 1 },
          { ...i, 種類: '謎の指標' },
          { ...i, 方向: '右肩上がり' },
          { ...i, 目標の種類: '毎月' },
          { ...i, 目標の種類: '定性' },
          { ...i, 定性目標: '方針の策定', '2024年度実績': 'まあまあ' },
          { ...i, 目標年度: 2030, 目標値: 5 },
          { ...i, 目標年度: 2025 },
          { ...i, 指標キー: 'zzzz' },
          { 取組名: '電子申請の拡充' },
          { 取組名: 'ない取組', 指標名: 'y' },
        ]);
        const is = wb.getWorksheet('指標')!;
        is.getCell(1, 19).value = '2030年度実績';
        is.getCell(14, 19).value = 3;
        fill(is, [{ ...i }], 14);
        fill(wb.getWorksheet('マイルストーン')!, [
          { 取組名: '電子申請の拡充', 日付: '来年の春', 内容: 'x' },
          { 取組名: '電子申請の拡充', 日付: '2024-13', 内容: 'x' },
          { 取組名: '電子申請の拡充', 日付: '2024-10-01', 内容: 'x', 完了: 'まだ' },
          { 取組名: '電子申請の拡充', 日付: '2024-10-01' },
        ]);
        const p = previewSpreadsheet(stored, await readXlsx(new Uint8Array(await wb.xlsx.writeBuffer())));
        assert.deepEqual(formatErrors(p.errors), [
          '施策シート 2行目 基本目標: 基本目標「まち」はこの計画にありません（くらし、しごと）',
          '施策シート 3行目 取組分野: 取組分野「窓口」は基本目標「くらし」にありません',
          '施策シート 4行目 取組事項: 取組事項「郵送」は取組分野「手続」にありません',
          '施策シート 5行目 取組分野: 取組分野が空です（取組事項「オンライン申請」は取組分野の中に置きます）',
          '施策シート 6行目 事業費: 事業費は数値で書きます「たくさん」',
          '施策シート 7行目 開始日: 開始日の2024年2月30日という日はありません「2024/2/30」',
          '施策シート 8行目 対象: 対象は 全庁、市民、事業者 のどれかを選びます「海外」',
          '施策シート 9行目 公開: 公開は「はい」か「いいえ」で書きます「たぶん」',
          '施策シート 10行目 紹介ページ: 紹介ページは http:// か https:// で始まるアドレスで書きます（ftp は使えません）「ftp://example.jp/」',
          '施策シート 11行目 工程 2024年度 第1四半期: 工程「試行」はこの計画の工程（検討、準備、実施、運用）にありません',
          '施策シート 12行目 評価: 評価「S」はこの計画の評価（A、B、C、D、－）にありません',
          '施策シート 13行目 評価の理由: 評価が空の行に理由が書かれています（理由は評価を手で決めた行に書きます。空欄なら計算した評価になります）',
          '施策シート 14行目 対象件数: 対象件数は数値で書きます「3件」',
          '指標シート 2行目 2024年度目標: 数値ではありません「abc」',
          '指標シート 3行目 基準年度: 基準年度は西暦の年度で書きます（例: 2024）「昔」',
          '指標シート 4行目 種類: 種類「謎の指標」はこの計画の指標の種類（活動指標、成果指標）にありません',
          '指標シート 5行目 方向: 方向は「高いほど良い」か「低いほど良い」です「右肩上がり」',
          '指標シート 6行目 目標の種類: 目標の種類「毎月」は 数値／年間／累計／定性 のどれかです',
          '指標シート 7行目 定性目標: 目標の種類が「定性」の指標は、定性目標の列に目標を書きます',
          '指標シート 8行目 2024年度実績: 定性目標の指標の実績は「達成」か「未達成」で書きます（空欄は未判定）「まあまあ」',
          '指標シート 9行目 目標年度: 目標年度 2030年度は、この計画の期間（2024〜2025年度）の外です',
          '指標シート 10行目 目標値: 目標年度と目標値は両方書きます',
          '指標シート 11行目 指標キー: 指標キー「zzzz」は「新 電子申請の拡充」の指標にありません（新しい指標は指標キーを空欄にします）',
          '指標シート 12行目 指標名: 指標名が空です',
          '指標シート 13行目 取組名: 取組名「ない取組」の取組がありません',
          '指標シート 14行目 2030年度実績: 2030年度は、この計画の期間（2024〜2025年度）の外です',
          'マイルストーンシート 2行目 日付: 日付は YYYY-MM-DD（例: 2024-10-01）か、月だけなら YYYY-MM（例: 2024-10）で書きます「来年の春」',
          'マイルストーンシート 3行目 日付: 日付は YYYY-MM-DD（例: 2024-10-01）か、月だけなら YYYY-MM（例: 2024-10）で書きます「2024-13」',
          'マイルストーンシート 4行目 完了: 完了は「はい」か「いいえ」で書きます「まだ」',
          'マイルストーンシート 5行目 内容: 内容が空です',
        ]);
      });
    } finally {
      await database.close();
    }
  });
}
