// What a change of a plan's definition would lose: each kind of loss with its count and places, and the
// changes that lose nothing (a renamed label, an option added, a change with nothing stored under it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definitionLosses, MAX_PLACES } from '../../src/domain/definition-change.ts';
import { DEFAULT_PLAN_SETTINGS, type EditionData, type Initiative, type PlanSettings } from '../../src/domain/model.ts';
import { withShape } from '../../src/domain/shape.ts';

const SETTINGS: PlanSettings = {
  ...DEFAULT_PLAN_SETTINGS,
  levels: ['基本目標', '取組分野', '取組事項', '細目'],
  initiativeName: '事業',
  fields: [
    { key: 'content', label: '取組の概要', type: 'text' },
    { key: 'budget', label: '事業費（千円）', type: 'text' },
    { key: 'area', label: '対象', type: 'select', options: ['全庁', '窓口', '庁内'] },
    { key: 'open', label: '公開', type: 'boolean' },
  ],
  indicatorKinds: ['活動指標', '成果指標'],
  grades: {
    scale: [
      { grade: 'A', label: '進んでいる', min: '110' },
      { grade: 'B', label: 'どおり', min: '90' },
      { grade: 'C', label: '遅れている', min: '0' },
    ],
    unrated: { grade: 'D', label: '評価できない' },
    publish: true,
  },
  schedule: { unit: 'fiscal-year', phases: ['検討', '準備', '実施'], milestones: true },
};

function initiative(n: number, parts: Partial<Initiative> = {}): Initiative {
  return withShape({
    key: `k${n}`,
    number: String(n).padStart(2, '0'),
    title: `事業${n}`,
    pillarKey: 'p1',
    subAreaKey: null,
    departments: ['デジタル推進課'],
    status: 'in_progress',
    content: '',
    plan: '',
    planTargets: [],
    resultsFiscalYear: null,
    results: [],
    resultsText: '',
    ...parts,
  });
}

function edition(fiscalYear: number, initiatives: Initiative[]): EditionData {
  return {
    organization: { code: '221309', name: '浜松市' },
    plan: { title: '浜松市DX推進計画', startFiscalYear: 2023, endFiscalYear: 2026, settings: SETTINGS },
    edition: { fiscalYear, title: `${fiscalYear}年度版`, tagline: null, lead: null, source: null, state: 'draft' },
    pillars: [
      {
        key: 'p1',
        name: '暮らし',
        tagline: null,
        subAreas: [
          { key: 's1', name: '窓口' },
          { key: 's2', name: '申請', parentKey: 's1' },
          { key: 's3', name: '電子申請', parentKey: 's2' },
          { key: 's4', name: '証明書', parentKey: 's1' },
        ],
      },
    ],
    initiatives,
    kpis: [],
    departments: [],
  };
}

const indicator = (key: string, kind: string | null) => ({
  key,
  name: key,
  kind,
  unit: null,
  direction: 'higher' as const,
  cumulative: false,
  perYear: false,
  baseline: null,
  target: null,
  qualitative: null,
  values: [],
});

const EDITIONS = [
  edition(2024, [
    initiative(1, {
      content: '概要',
      fields: { budget: '1,000', area: '窓口', open: true },
      indicators: [indicator('a', '成果指標'), indicator('b', '活動指標')],
      grade: { grade: 'A', reason: '前倒し', by: null },
      schedule: [
        { period: '2024', phase: '準備' },
        { period: '2025', phase: '実施' },
      ],
      milestones: [{ date: '2024-10', label: '公開', done: false }],
    }),
    initiative(2, { fields: { budget: '未定', area: '全庁' }, subAreaKey: 's3', indicators: [indicator('c', '成果指標')] }),
    initiative(3, { grade: { grade: 'D', reason: '未実施', by: 'admin' }, schedule: [{ period: '2024', phase: '検討' }] }),
  ]),
  edition(2025, [initiative(1, { fields: { area: '窓口' }, schedule: [{ period: '2025', phase: '準備' }] })]),
];

const lost = (after: Partial<PlanSettings>, editions = EDITIONS) => definitionLosses(SETTINGS, { ...SETTINGS, ...after }, editions);

test('nothing changed, a label renamed, an option or a phase added, a kind reordered: nothing lost', () => {
  assert.deepEqual(lost({}), []);
  assert.deepEqual(
    lost({
      fields: SETTINGS.fields!.map((f) =>
        f.key === 'area' ? { ...f, label: '対象範囲', options: [...f.options!, '各課'] } : { ...f, label: `${f.label}（改）` },
      ),
      indicatorKinds: ['成果指標', '活動指標', '参考指標'],
      schedule: { ...SETTINGS.schedule!, phases: [...SETTINGS.schedule!.phases, '運用'] },
      grades: { ...SETTINGS.grades!, publish: false },
      levels: ['目標', '分野', '事項', '細目'],
    }),
    [],
  );
  // A change with nothing stored under it loses nothing either.
  assert.deepEqual(definitionLosses(SETTINGS, { ...DEFAULT_PLAN_SETTINGS, levels: ['a'] }, []), []);
});

test('a level removed while groups of that depth exist', () => {
  assert.deepEqual(lost({ levels: ['基本目標', '取組分野', '取組事項'] }), [
    {
      kind: 'level',
      message: '第4階層「細目」をなくすと、その階層のグループ 2 件（2 版）がなくなります',
      where: ['R6年度 暮らし › 電子申請', 'R7年度 暮らし › 電子申請'],
      count: 2,
    },
  ]);
  assert.deepEqual(
    lost({ levels: ['基本目標'] }).map((l) => [l.kind, l.count, l.message]),
    [
      ['level', 2, '第2階層「取組分野」をなくすと、その階層のグループ 2 件（2 版）がなくなります'],
      ['level', 4, '第3階層「取組事項」をなくすと、その階層のグループ 4 件（2 版）がなくなります'],
      ['level', 2, '第4階層「細目」をなくすと、その階層のグループ 2 件（2 版）がなくなります'],
    ],
  );
  // Groups deeper than the levels before (which nothing should hold) are lost all the same.
  const r = definitionLosses({ ...SETTINGS, levels: ['a', 'b'] }, { ...SETTINGS, levels: ['a'] }, EDITIONS.slice(0, 1));
  assert.deepEqual(
    r.map((l) => [l.message, l.where]),
    [
      ['第2階層「b」をなくすと、その階層のグループ 1 件（1 版）がなくなります', ['R6年度 暮らし › 窓口']],
      ['第3階層をなくすと、その階層のグループ 2 件（1 版）がなくなります', ['R6年度 暮らし › 申請', 'R6年度 暮らし › 証明書']],
      ['第4階層をなくすと、その階層のグループ 1 件（1 版）がなくなります', ['R6年度 暮らし › 電子申請']],
    ],
  );
});

test('a field removed that holds values; the built-in sections of the default shape count', () => {
  const r = lost({ fields: SETTINGS.fields!.filter((f) => f.key !== 'area' && f.key !== 'content') });
  assert.deepEqual(r, [
    { kind: 'field', message: '項目「取組の概要」（content）をなくすと、事業 1 件に書かれている値がなくなります', where: ['R6年度 01 事業1'], count: 1 },
    {
      kind: 'field',
      message: '項目「対象」（area）をなくすと、事業 3 件に書かれている値がなくなります',
      where: ['R6年度 01 事業1', 'R6年度 02 事業2', 'R7年度 01 事業1'],
      count: 3,
    },
  ]);
  // A plan of the sample's shape (no fields: 施策内容 and 今年度の取組) given sections of its own without 今年度の取組.
  const sample = edition(2024, [initiative(1, { plan: '今年度は…' }), initiative(2, { plan: ' ' })]);
  const losses = definitionLosses(DEFAULT_PLAN_SETTINGS, { ...DEFAULT_PLAN_SETTINGS, fields: [{ key: 'content', label: '施策内容', type: 'text' }] }, [sample]);
  assert.deepEqual(
    losses.map((l) => [l.kind, l.count, l.where]),
    [['field', 1, ['R6年度 01 事業1']]],
  );
});

test('a field’s type changed: only the values that do not read as the new type', () => {
  const r = lost({ fields: SETTINGS.fields!.map((f) => (f.key === 'budget' ? { ...f, type: 'money' as const } : f)) });
  assert.deepEqual(r, [
    {
      kind: 'field-type',
      message: '項目「事業費（千円）」の種類を text から money に変えると、money として読めない値（事業 1 件）がなくなります',
      where: ['R6年度 02 事業2'],
      count: 1,
    },
  ]);
  const toSelect = lost({ fields: SETTINGS.fields!.map((f) => (f.key === 'budget' ? { ...f, type: 'select' as const, options: ['1,000'] } : f)) });
  assert.deepEqual(toSelect[0]?.where, ['R6年度 02 事業2'], '1,000 is an option, 未定 is not');
  const toText = lost({ fields: SETTINGS.fields!.map((f) => (f.key === 'open' ? { key: 'open', label: '公開', type: 'text' as const } : f)) });
  assert.deepEqual(toText, [], 'a boolean reads as text (はい)');
});

test('a select option removed that is in use; an option respelt in width only is the same option', () => {
  const r = lost({ fields: SETTINGS.fields!.map((f) => (f.key === 'area' ? { ...f, options: ['全庁　', '庁内'] } : f)) });
  assert.deepEqual(r, [
    {
      kind: 'option',
      message: '項目「対象」の選択肢「窓口」をなくすと、それを選んでいる事業 2 件の値がなくなります',
      where: ['R6年度 01 事業1', 'R7年度 01 事業1'],
      count: 2,
    },
  ]);
});

test('an indicator kind removed that is in use', () => {
  const r = lost({ indicatorKinds: ['活動指標'] });
  assert.deepEqual(r, [
    {
      kind: 'indicator-kind',
      message: '指標の種類「成果指標」をなくすと、事業 2 件のその種類の指標 2 件が種類なしになります',
      where: ['R6年度 01 事業1', 'R6年度 02 事業2'],
      count: 2,
    },
  ]);
  const none = definitionLosses(SETTINGS, { ...SETTINGS, indicatorKinds: undefined }, EDITIONS);
  assert.deepEqual(
    none.map((l) => [l.kind, l.count]),
    [
      ['indicator-kind', 1],
      ['indicator-kind', 2],
    ],
  );
});

test('grades removed while manual grades exist; a grade removed that a manual grade uses', () => {
  const none = definitionLosses(SETTINGS, { ...SETTINGS, grades: undefined }, EDITIONS);
  assert.deepEqual(none, [
    {
      kind: 'grades',
      message: '評価をなくすと、手で付けた評価（理由つき）2 件がなくなります（事業 2 件）',
      where: ['R6年度 01 事業1', 'R6年度 03 事業3'],
      count: 2,
    },
  ]);
  const fewer = lost({ grades: { ...SETTINGS.grades!, scale: SETTINGS.grades!.scale.filter((s) => s.grade !== 'A') } });
  assert.deepEqual(fewer, [
    { kind: 'grade', message: '評価「A」をなくすと、手で「A」を付けた事業 1 件の評価（理由つき）がなくなります', where: ['R6年度 01 事業1'], count: 1 },
  ]);
  const unrated = lost({ grades: { ...SETTINGS.grades!, unrated: { grade: '－', label: '評価できない' } } });
  assert.deepEqual(
    unrated.map((l) => [l.kind, l.where]),
    [['grade', ['R6年度 03 事業3']]],
  );
});

test('schedule removed, a phase removed, milestones turned off, the unit changed', () => {
  const none = definitionLosses(SETTINGS, { ...SETTINGS, schedule: undefined }, EDITIONS);
  assert.deepEqual(none, [
    {
      kind: 'schedule',
      message: 'スケジュールをなくすと、事業 3 件のスケジュールの記入 4 件とマイルストーン 1 件がなくなります',
      where: ['R6年度 01 事業1', 'R6年度 03 事業3', 'R7年度 01 事業1'],
      count: 5,
    },
  ]);
  const phase = lost({ schedule: { ...SETTINGS.schedule!, phases: ['検討', '実施'] } });
  assert.deepEqual(phase, [
    {
      kind: 'phase',
      message: 'スケジュールの段階「準備」をなくすと、事業 2 件のその段階の記入 2 件がなくなります',
      where: ['R6年度 01 事業1', 'R7年度 01 事業1'],
      count: 2,
    },
  ]);
  const off = lost({ schedule: { ...SETTINGS.schedule!, milestones: false } });
  assert.deepEqual(off, [
    { kind: 'milestones', message: 'マイルストーンを使わないようにすると、事業 1 件のマイルストーン 1 件がなくなります', where: ['R6年度 01 事業1'], count: 1 },
  ]);
  const unit = lost({ schedule: { ...SETTINGS.schedule!, unit: 'quarter' } });
  assert.deepEqual(unit, [
    {
      kind: 'schedule-unit',
      message: 'スケジュールの単位を年度から四半期に変えると、事業 3 件のスケジュールの記入 4 件がなくなります',
      where: ['R6年度 01 事業1', 'R6年度 03 事業3', 'R7年度 01 事業1'],
      count: 4,
    },
  ]);
});

test('at most ten places, the count of all of them', () => {
  const many = edition(
    2024,
    Array.from({ length: 25 }, (_, k) => initiative(k + 1, { fields: { area: '窓口' } })),
  );
  const [l] = definitionLosses(SETTINGS, { ...SETTINGS, fields: [] }, [many]);
  assert.equal(l?.count, 25);
  assert.equal(l?.where.length, MAX_PLACES);
  assert.equal(l?.where[0], 'R6年度 01 事業1');
  const newOne = edition(2024, [initiative(1, { number: null, fields: { area: '窓口' } })]);
  assert.deepEqual(definitionLosses(SETTINGS, { ...SETTINGS, fields: [] }, [newOne])[0]?.where, ['R6年度 新 事業1']);
});
