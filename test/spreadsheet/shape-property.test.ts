// A property of the workbook of a plan with a shape of its own: any values of an initiative's shape
// (sections of every type, a grade set by hand, a quarterly schedule, milestones, indicators of every
// kind of target) and any group of the three levels, written to a workbook and read back into an edition
// that lacks them, give the same initiative in withShape's canonical form (new indicators get keys of
// their own, so keys are compared by position); and the untouched workbook read back into the edition
// that has them announces nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { isEmptyPreview, previewSpreadsheet, formatErrors } from '../../src/domain/changes.ts';
import { cellForm } from '../../src/domain/cells.ts';
import { normalizeNumber } from '../../src/domain/decimal.ts';
import { DEFAULT_PLAN_SETTINGS, type EditionData, type Indicator, type Initiative, type PlanSettings } from '../../src/domain/model.ts';
import { withShape } from '../../src/domain/shape.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { readXlsx } from '../../src/import/spreadsheet.ts';

const SETTINGS: PlanSettings = {
  ...DEFAULT_PLAN_SETTINGS,
  levels: ['基本目標', '取組分野', '取組事項'],
  initiativeName: '取組',
  fields: [
    { key: 'content', label: '取組の内容', type: 'text' },
    { key: 'note', label: '備考', type: 'text' },
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
      { grade: 'C', label: '遅れ', min: '0' },
    ],
    unrated: { grade: '－', label: '未評価' },
    publish: true,
  },
  schedule: { unit: 'quarter', phases: ['検討', '準備', '実施', '運用'], milestones: true },
};
const YEARS = [2024, 2025];
const PERIODS = YEARS.flatMap((y) => [1, 2, 3, 4].map((q) => `${y}Q${q}`));

const BASE: Initiative = {
  key: 'i1',
  number: '01',
  title: '電子申請の拡充',
  pillarKey: 'p1',
  subAreaKey: null,
  departments: ['市民課'],
  status: 'in_progress',
  content: '窓口に来なくてもできる手続を増やす。',
  plan: '',
  planTargets: [],
  resultsFiscalYear: null,
  results: [],
  resultsText: '',
};

function edition(i: Initiative): EditionData {
  return {
    organization: { code: '221309', name: '浜松市' },
    plan: { title: '浜松市DX推進計画', startFiscalYear: 2024, endFiscalYear: 2025, settings: SETTINGS },
    edition: { fiscalYear: 2024, title: '浜松市DX推進計画', tagline: null, lead: null, source: null, state: 'draft' },
    pillars: [
      {
        key: 'p1',
        name: 'くらし',
        tagline: null,
        subAreas: [
          { key: 's1', name: '手続' },
          { key: 's2', name: 'オンライン申請', parentKey: 's1' },
          { key: 's3', name: '窓口' },
        ],
      },
    ],
    initiatives: [i],
    kpis: [],
    departments: [{ name: '市民課', aliases: [] }],
  };
}

// ---- values ------------------------------------------------------------------------------------------

/** Text as a cell gives it back (cellForm), never empty: Japanese, blanks, line breaks, what a formula starts with. */
const prose = fc
  .string({ unit: fc.constantFrom('あ', '漢', 'a', '1', ' ', '\n', '=', '-', "'", '+', '@', '、', '\u3000', '%', '（'), minLength: 1, maxLength: 14 })
  .map(cellForm)
  .filter((s) => s !== '');
const word = prose.map((s) => s.replace(/\n/g, '')).filter((s) => s.trim() !== '' && s === cellForm(s));
const decimal = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 999_999_999 }), fc.option(fc.integer({ min: 1, max: 9999 })))
  .map(([neg, int, frac]) => normalizeNumber(`${neg ? '-' : ''}${int}${frac === null ? '' : `.${String(frac).replace(/0+$/, '')}`}`)!);
const day = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const month = fc.tuple(fc.integer({ min: 2020, max: 2030 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);

const fields = fc.record(
  {
    note: prose,
    budget: decimal,
    count: decimal,
    page: fc.stringMatching(/^[a-z0-9]{1,12}$/).map((p) => `https://example.jp/${p}`),
    start: day,
    target: fc.constantFrom('全庁', '市民', '事業者'),
    open: fc.boolean(),
  },
  { requiredKeys: [] },
);

const indicator: fc.Arbitrary<Omit<Indicator, 'key'>> = fc
  .record({
    name: word,
    kind: fc.option(fc.constantFrom('活動指標', '成果指標')),
    unit: fc.option(word.filter((s) => s.length <= 4)),
    direction: fc.constantFrom('higher' as const, 'lower' as const),
    targetKind: fc.constantFrom('数値', '年間', '累計', '定性'),
    qualitative: word,
    baseline: fc.option(fc.record({ fiscalYear: fc.integer({ min: 2019, max: 2025 }), value: decimal })),
    target: fc.option(fc.record({ fiscalYear: fc.constantFrom(...YEARS), value: decimal })),
    years: fc.tuple(...YEARS.map(() => fc.record({ target: fc.option(decimal), actual: fc.option(decimal), achieved: fc.option(fc.boolean()) }))),
  })
  .map(({ targetKind, qualitative, years, ...x }) => {
    const q = targetKind === '定性';
    return {
      ...x,
      cumulative: targetKind === '累計',
      perYear: targetKind === '年間',
      qualitative: q ? qualitative : null,
      values: years
        .map((v, k) => ({ fiscalYear: YEARS[k]!, target: v.target, actual: q ? null : v.actual, achieved: q ? v.achieved : null }))
        .filter((v) => v.target !== null || v.actual !== null || v.achieved !== null),
    };
  });

const shaped = fc
  .record({
    subAreaKey: fc.constantFrom(null, 's1', 's2', 's3'),
    fields,
    grade: fc.option(fc.record({ grade: fc.constantFrom('A', 'B', 'C', '－'), reason: fc.oneof(fc.constant(''), prose), by: fc.constant(null) })),
    schedule: fc.tuple(...PERIODS.map(() => fc.option(fc.constantFrom('検討', '準備', '実施', '運用')))),
    milestones: fc.array(fc.record({ date: fc.oneof(day, month), label: prose, done: fc.boolean() }), { maxLength: 3 }),
    indicators: fc.array(indicator, { maxLength: 3 }),
  })
  // Plain objects (fast-check's records have no prototype, which deepStrictEqual tells apart).
  .map((x) => JSON.parse(JSON.stringify(x)) as typeof x)
  .map(
    (x): Initiative =>
      withShape(
        { ...BASE, subAreaKey: x.subAreaKey },
        {
          fields: x.fields,
          grade: x.grade,
          schedule: x.schedule.flatMap((phase, k) => (phase ? [{ period: PERIODS[k]!, phase }] : [])),
          milestones: x.milestones,
          indicators: x.indicators.map((ind, k) => ({ key: `k${k + 1}`, ...ind })),
        },
      ),
  );

/** The workbook of the edition with the initiative, its indicators' keys emptied (so they read as new ones). */
async function workbook(i: Initiative, keepKeys: boolean): Promise<Uint8Array> {
  const bytes = await exportWorkbook(edition(i));
  if (keepKeys) return bytes;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('指標')!;
  let col = 0;
  ws.getRow(1).eachCell((c, n) => {
    if (c.value === '指標キー') col = n;
  });
  for (let r = 2; r <= ws.rowCount; r++) ws.getCell(r, col).value = null;
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

test('random shape values written to a workbook and read back give the same initiative', async () => {
  await fc.assert(
    fc.asyncProperty(shaped, async (full) => {
      const bare = withShape({ ...BASE }, {});
      const p = previewSpreadsheet(edition(bare), await readXlsx(await workbook(full, false)));
      assert.deepEqual(formatErrors(p.errors), []);
      const read = p.next.initiatives[0]!;
      const keyed = read.indicators
        ? withShape(read, { ...read, indicators: read.indicators.map((x, k) => ({ ...x, key: full.indicators![k]?.key ?? x.key })) })
        : read;
      assert.deepEqual(keyed, full);
      // Keys of new indicators: distinct within the initiative.
      assert.equal(new Set(read.indicators?.map((x) => x.key)).size, read.indicators?.length ?? 0);

      const again = previewSpreadsheet(edition(full), await readXlsx(await workbook(full, true)));
      assert.deepEqual(formatErrors(again.errors), []);
      assert.ok(isEmptyPreview(again), JSON.stringify(again.changes));
      assert.deepEqual(again.next.initiatives[0], full);
    }),
    { numRuns: Number(process.env.SHAPE_PROPERTY_RUNS ?? 20) },
  );
});
