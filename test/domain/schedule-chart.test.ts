// The schedule chart: its periods follow the plan's unit, and the SVG is well formed, escaped, accessible,
// deterministic and has one row per entry and one column per period.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { schedulePeriods, scheduleSvg, type ScheduleSvgOptions } from '../../src/web/schedule-chart.ts';
import { DEFAULT_PLAN_SETTINGS, type PlanSettings } from '../../src/domain/model.ts';

const PHASES = ['検討', '準備', '実施', '運用'];

function plan(unit: 'fiscal-year' | 'quarter' | null, from = 2024, to = 2026) {
  const settings: PlanSettings = { ...DEFAULT_PLAN_SETTINGS, ...(unit ? { schedule: { unit, phases: PHASES, milestones: true } } : {}) };
  return { startFiscalYear: from, endFiscalYear: to, settings };
}

test('periods: fiscal years, or quarters of them', () => {
  assert.deepEqual(schedulePeriods(plan('fiscal-year')), [
    { id: '2024', label: '2024年度', labelEn: 'FY2024' },
    { id: '2025', label: '2025年度', labelEn: 'FY2025' },
    { id: '2026', label: '2026年度', labelEn: 'FY2026' },
  ]);
  assert.deepEqual(
    schedulePeriods(plan(null)).map((p) => p.id),
    ['2024', '2025', '2026'],
  );
  const q = schedulePeriods(plan('quarter'));
  assert.equal(q.length, 12);
  assert.deepEqual(q[0], { id: '2024Q1', label: '2024年度 第1四半期', labelEn: 'FY2024 Q1' });
  assert.equal(q.at(-1)!.id, '2026Q4');
});

const sample: ScheduleSvgOptions = {
  title: '工程表 <全体> & "計画"',
  lang: 'ja',
  periods: schedulePeriods(plan('fiscal-year')),
  phases: PHASES,
  rows: [
    {
      label: '行政手続の<オンライン化>',
      cells: [
        { period: '2024', phase: '検討' },
        { period: '2025', phase: '実施' },
        { period: '2026', phase: '実施' },
      ],
      milestones: [
        { date: '2024-06-15', label: '方針決定 & 公表', done: true },
        { date: '2026-01', label: '運用開始', done: false },
      ],
    },
    { label: '窓口の改善', cells: [{ period: '2025', phase: '準備' }] },
    { label: '未定', cells: [] },
  ],
};

test('the SVG is accessible, escaped, without script, one row per entry and one column per period', () => {
  const svg = scheduleSvg(sample);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" role="img" /);
  assert.match(svg, /<title id="[^"]+">工程表 &lt;全体&gt; &amp; &quot;計画&quot;<\/title>/);
  assert.match(svg, /<desc id="[^"]+">[^<]*行政手続の&lt;オンライン化&gt;：検討 2024年度、実施 2025年度〜2026年度/);
  assert.match(svg, /方針決定 &amp; 公表（達成）/);
  assert.match(svg, /運用開始（予定）/);
  assert.doesNotMatch(svg, /<script|on\w+=|<オンライン|href=/i);
  assert.doesNotMatch(svg, /& /); // every ampersand is an entity
  // Rows (one <g> each), period headers, bars (one per run: 検討, 実施 merged, 準備), milestones, legend.
  assert.equal(svg.match(/<g>/g)?.length, 3);
  for (const p of sample.periods) assert.ok(svg.includes(`>${p.label}</text>`), p.label);
  assert.equal(svg.match(/fill="url\(#[^)]+\)" stroke="#[0-9a-f]+" stroke-width="1"\/>/g)?.length, 3);
  for (const ph of PHASES) assert.ok(svg.includes(`>${ph}</text>`), ph);
  assert.match(svg, /マイルストーン（達成）/);
  // Four phases, four distinct patterns.
  assert.equal(svg.match(/<pattern /g)?.length, 4);
  assert.equal(scheduleSvg(sample), svg, 'deterministic');
  assert.notEqual(scheduleSvg({ ...sample, title: 'other' }).match(/id="(sc[^-]+)-t"/)![1], svg.match(/id="(sc[^-]+)-t"/)![1]);
});

test('quarters: the fiscal year above its quarters; English words; unknown phases and periods do not crash', () => {
  const periods = schedulePeriods(plan('quarter', 2024, 2025)).map((p) => ({ id: p.id, label: p.labelEn }));
  const svg = scheduleSvg({
    title: 'Schedule',
    lang: 'en',
    periods,
    phases: PHASES,
    rows: [
      {
        label: 'A',
        cells: [
          { period: '2024Q1', phase: '検討' },
          { period: '2024Q2', phase: '検討' },
          { period: '2030Q1', phase: '実施' },
          { period: '2025Q3', phase: 'その他' },
        ],
        milestones: [
          { date: '2025-02-30', label: 'x', done: false },
          { date: 'not a date', label: 'y', done: true },
        ],
      },
    ],
  });
  assert.match(svg, />FY2024<\/text>/);
  assert.equal(svg.match(/>Q[1-4]<\/text>/g)?.length, 8);
  assert.match(svg, /A: 検討 FY2024 Q1 to FY2024 Q2, その他 FY2025 Q3/);
  assert.equal(svg.match(/<pattern /g)?.length, 5, 'the unknown phase gets its own');
  assert.match(svg, /Milestone \(done\)/);
  // An empty chart still says what it is.
  const empty = scheduleSvg({ title: '工程', lang: 'ja', periods: [], phases: [], rows: [] });
  assert.match(empty, /<title id="[^"]+">工程<\/title>/);
  assert.match(empty, /工程の行がありません/);
});

test('property: any text is escaped and the chart is well formed', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 4 }), (label, phases) => {
      const svg = scheduleSvg({
        title: label,
        lang: 'ja',
        periods: [{ id: '2024', label }],
        phases,
        rows: [{ label, cells: phases.map((p) => ({ period: '2024', phase: p })), milestones: [{ date: '2024-05', label, done: false }] }],
      });
      // Text nodes and attributes hold no raw markup characters and no characters XML refuses.
      const text = svg.replace(/<[^<>]*>/g, '');
      assert.doesNotMatch(text, /[<>]/);
      assert.doesNotMatch(svg, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
      assert.equal(svg.match(/<svg /g)?.length, 1);
      assert.ok(svg.endsWith('</svg>'));
    }),
  );
});
