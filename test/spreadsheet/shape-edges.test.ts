// Edges of the workbook of a plan with a shape of its own, without a database: values the plan no longer
// offers survive an untouched export; a grade keeps who set it while it stays as it was, and a changed one
// records nobody (the command layer knows the person); a group the file creates at the third level takes the
// key its name has under the same parent in the plan's other editions; a plan of four levels names every
// level; and the preview of a file names the same new indicator keys every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { formatErrors, isEmptyPreview, previewSpreadsheet, type PreviewOptions } from '../../src/domain/changes.ts';
import { DEFAULT_PLAN_SETTINGS, type EditionData, type Initiative, type PlanSettings } from '../../src/domain/model.ts';
import { withShape } from '../../src/domain/shape.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { readXlsx } from '../../src/import/spreadsheet.ts';

const SETTINGS: PlanSettings = {
  ...DEFAULT_PLAN_SETTINGS,
  levels: ['柱', '分野', '事項', '細目'],
  initiativeName: '取組',
  fields: [{ key: 'target', label: '対象', type: 'select', options: ['市民', '事業者'] }],
  indicatorKinds: ['成果指標'],
  grades: { scale: [{ grade: 'A', label: '達成', min: '100' }], unrated: { grade: '－', label: '未評価' }, publish: false },
  schedule: { unit: 'fiscal-year', phases: ['検討', '実施'], milestones: false },
};

const BASE: Initiative = {
  key: 'i1',
  number: '01',
  title: '電子申請',
  pillarKey: 'p1',
  subAreaKey: 's3',
  departments: ['市民課'],
  status: 'in_progress',
  content: '',
  plan: '',
  planTargets: [],
  resultsFiscalYear: null,
  results: [],
  resultsText: '',
};

function edition(initiatives: Initiative[], settings = SETTINGS): EditionData {
  return {
    organization: { code: '221309', name: '浜松市' },
    plan: { title: '計画', startFiscalYear: 2024, endFiscalYear: 2025, settings },
    edition: { fiscalYear: 2024, title: '計画', tagline: null, lead: null, source: null, state: 'draft' },
    pillars: [
      {
        key: 'p1',
        name: 'くらし',
        tagline: null,
        subAreas: [
          { key: 's1', name: '手続' },
          { key: 's2', name: 'オンライン', parentKey: 's1' },
          { key: 's3', name: '申請', parentKey: 's2' },
        ],
      },
    ],
    initiatives,
    kpis: [],
    departments: [{ name: '市民課', aliases: [] }],
  };
}

async function edited(data: EditionData, edit: (ws: ExcelJS.Worksheet, col: (h: string) => number) => void, opts: { blank?: boolean } = {}) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await exportWorkbook(data, opts)) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('施策')!;
  const heads: string[] = [];
  ws.getRow(1).eachCell((c, n) => (heads[n] = String(c.value)));
  edit(ws, (h) => {
    const n = heads.indexOf(h);
    assert.ok(n > 0, `column ${h}`);
    return n;
  });
  return readXlsx(new Uint8Array(await wb.xlsx.writeBuffer()));
}

test('a plan of four levels names every level, and its initiative reads back where it is', async () => {
  const data = edition([BASE]);
  const sheets = await edited(data, (ws, col) => {
    assert.equal(ws.getCell(2, col('柱')).value, 'くらし');
    assert.equal(ws.getCell(2, col('分野')).value, '手続');
    assert.equal(ws.getCell(2, col('事項')).value, 'オンライン');
    assert.equal(ws.getCell(2, col('細目')).value, '申請');
  });
  assert.ok(isEmptyPreview(previewSpreadsheet(data, sheets)));
  // Emptied, the lowest level puts the initiative one level up.
  const up = await edited(data, (ws, col) => (ws.getCell(2, col('細目')).value = null));
  const p = previewSpreadsheet(data, up);
  assert.deepEqual(formatErrors(p.errors), []);
  assert.equal(p.next.initiatives[0]!.subAreaKey, 's2');
  assert.deepEqual(
    p.changes.map((c) => [c.field, c.before, c.after]),
    [['細目', '申請', null]],
  );
});

test('values the plan no longer offers, left as they were, survive an untouched export', async () => {
  const i = withShape(BASE, {
    fields: { target: '団体' },
    grade: { grade: 'B', reason: '旧評価', by: '担当者' },
    schedule: [{ period: '2024', phase: '試行' }],
    indicators: [
      {
        key: 'k1',
        name: '件数',
        kind: '活動指標',
        unit: '件',
        direction: 'higher',
        cumulative: true,
        perYear: true,
        baseline: null,
        target: null,
        qualitative: null,
        values: [{ fiscalYear: 2024, target: '5', actual: '6', achieved: null }],
      },
    ],
  });
  const data = edition([i]);
  const p = previewSpreadsheet(data, await readXlsx(await exportWorkbook(data)));
  assert.deepEqual(formatErrors(p.errors), []);
  assert.ok(isEmptyPreview(p), JSON.stringify(p.changes));
  assert.deepEqual(p.next.initiatives[0], i, 'per year and cumulative at once: kept while its kind of target stays');
  // A new value is checked against what the plan offers.
  const bad = await edited(data, (ws, col) => (ws.getCell(2, col('対象')).value = '学校'));
  assert.deepEqual(formatErrors(previewSpreadsheet(data, bad).errors), ['施策シート 2行目 対象: 対象は 市民、事業者 のどれかを選びます「学校」']);
});

test('a grade keeps who set it while it stays; a changed one records nobody', async () => {
  const data = edition([withShape(BASE, { grade: { grade: 'A', reason: '達成した', by: '山田' } })]);
  const same = previewSpreadsheet(data, await readXlsx(await exportWorkbook(data)));
  assert.deepEqual(same.next.initiatives[0]!.grade, { grade: 'A', reason: '達成した', by: '山田' });
  const reason = previewSpreadsheet(data, await edited(data, (ws, col) => (ws.getCell(2, col('評価の理由')).value = '前倒しで達成した')));
  assert.deepEqual(reason.next.initiatives[0]!.grade, { grade: 'A', reason: '前倒しで達成した', by: null });
  const unset = previewSpreadsheet(
    data,
    await edited(data, (ws, col) => {
      ws.getCell(2, col('評価')).value = null;
      ws.getCell(2, col('評価の理由')).value = null;
    }),
  );
  assert.equal('grade' in unset.next.initiatives[0]!, false, 'no grade by hand: computed again, the key absent');
  // A grade named by its label is the plan's grade.
  const typed = previewSpreadsheet(data, await edited(data, (ws, col) => (ws.getCell(2, col('評価')).value = '未評価')));
  assert.equal(typed.next.initiatives[0]!.grade?.grade, '－');
});

test('a group created at the third level takes the key its name has under the same parent elsewhere in the plan', async () => {
  const data = edition([]);
  const opts: PreviewOptions = {
    create: true,
    planGroups: {
      pillars: [{ key: 'p1', name: 'くらし' }],
      subAreas: [
        // The same name directly under the pillar is another group: its key is not taken.
        { key: 's8', name: '窓口', pillarKey: 'p1', parentKey: null },
        { key: 's9', name: '窓口', pillarKey: 'p1', parentKey: 's1' },
      ],
    },
  };
  const sheets = await edited(
    data,
    (ws, col) => {
      for (const [h, v] of Object.entries({ 柱: 'くらし', 分野: '手続', 事項: '窓口', 取組名: '書かない窓口', 担当課所: '市民課', 状況: '新規' }))
        ws.getCell(2, col(h)).value = v;
    },
    { blank: true },
  );
  const p = previewSpreadsheet(data, sheets, opts);
  assert.deepEqual(formatErrors(p.errors), []);
  assert.deepEqual(p.created.subAreas, ['くらし ／ 手続 ／ 窓口']);
  assert.deepEqual(p.next.pillars[0]!.subAreas.at(-1), { key: 's9', name: '窓口', parentKey: 's1' });
  assert.equal(p.next.initiatives[0]!.subAreaKey, 's9');
});
