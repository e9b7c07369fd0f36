// Counts per status and grade, rolled up at every level: over three levels by hand, the sample's
// 計画の進捗状況 table unchanged, and a property that every level's total is the number of initiatives in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { editionSummary, groupSummaries, type GroupSummary } from '../../src/domain/group-summary.ts';
import { flattenGroups, groupTree, initiativesUnder } from '../../src/domain/groups.ts';
import { DEFAULT_PLAN_SETTINGS, type EditionData, type Indicator, type Initiative, type PlanSettings, type Status } from '../../src/domain/model.ts';
import { summaryTable } from '../../src/domain/tables.ts';
import { parsePlanText } from '../../src/import/plan-text.ts';

const graded: PlanSettings = {
  ...DEFAULT_PLAN_SETTINGS,
  levels: ['基本目標', '施策', '取組'],
  grades: {
    scale: [
      { grade: 'A', label: '目標より進んでいる', min: '110' },
      { grade: 'B', label: '目標どおり', min: '90' },
      { grade: 'C', label: '目標より遅れている', min: '0' },
    ],
    unrated: { grade: 'D', label: '評価できない' },
    publish: false,
  },
};

function indicator(actual: string): Indicator {
  return {
    key: 'k',
    name: '指標',
    kind: null,
    unit: null,
    direction: 'higher',
    cumulative: false,
    perYear: false,
    baseline: null,
    target: { fiscalYear: 2026, value: '100' },
    qualitative: null,
    values: [{ fiscalYear: 2024, actual, target: null, achieved: null }],
  };
}

function initiative(key: string, pillarKey: string, subAreaKey: string | null, status: Status, actual?: string): Initiative {
  return {
    key,
    number: null,
    title: key,
    pillarKey,
    subAreaKey,
    departments: [],
    status,
    content: '',
    plan: '',
    planTargets: [],
    resultsFiscalYear: null,
    results: [],
    resultsText: '',
    ...(actual === undefined ? {} : { indicators: [indicator(actual)] }),
  };
}

function edition(
  pillars: EditionData['pillars'],
  initiatives: Initiative[],
  settings: PlanSettings,
): Pick<EditionData, 'pillars' | 'initiatives' | 'plan' | 'edition'> {
  return {
    pillars,
    initiatives,
    plan: { title: '計画', startFiscalYear: 2022, endFiscalYear: 2026, settings },
    edition: { fiscalYear: 2024, title: '2024', tagline: null, lead: null, source: null, state: 'draft' },
  };
}

/** "key total status-counts grade-counts" per node, indented, so a whole rollup compares at once. */
function outline(s: GroupSummary[]): string[] {
  const out: string[] = [];
  const walk = (n: GroupSummary) => {
    const st = Object.values(n.byStatus).join('');
    const gr = Object.entries(n.byGrade)
      .map(([g, c]) => `${g}${c}`)
      .join('');
    out.push(`${'  '.repeat(Math.max(n.level - 1, 0))}${n.key || '(all)'} ${n.total} ${st}${gr ? ` ${gr}` : ''}`);
    n.children.forEach(walk);
  };
  s.forEach(walk);
  return out;
}

test('rolled up over three levels, with grades', () => {
  const pillars = [
    {
      key: 'p1',
      name: '基本目標1',
      tagline: null,
      subAreas: [
        { key: 's1', name: '施策1-1' },
        { key: 't1', name: '取組1-1-1', parentKey: 's1' },
        { key: 't2', name: '取組1-1-2', parentKey: 's1' },
      ],
    },
    { key: 'p2', name: '基本目標2', tagline: null, subAreas: [{ key: 's2', name: '施策2-1' }] },
  ];
  // rates: 120 → A, 95 → B, 50 → C, no indicator → D; as of the edition's year 2024
  const initiatives = [
    initiative('a', 'p1', 't1', 'completed', '120'),
    initiative('b', 'p1', 't1', 'in_progress', '95'),
    initiative('c', 'p1', 't2', 'in_progress', '50'),
    initiative('d', 'p1', 's1', 'new'),
    initiative('e', 'p1', null, 'in_progress', '95'),
    initiative('f', 'p2', 's2', 'suspended', '50'),
    initiative('g', 'p2', null, 'not_started'),
    initiative('h', 'gone', null, 'completed', '120'), // an unknown pillar counts nowhere
  ];
  const data = edition(pillars, initiatives, graded);
  // status digits in STATUSES order: completed, in_progress, new, suspended, not_started
  // p1 = a..e: 5 (1 completed, 3 in progress, 1 new); A1 B2 C1 D1. s1 = a..d; t1 = a, b; t2 = c.
  assert.deepEqual(outline(groupSummaries(data)), [
    'p1 5 13100 A1B2C1D1',
    '  s1 4 12100 A1B1C1D1',
    '    t1 2 11000 A1B1C0D0',
    '    t2 1 01000 A0B0C1D0',
    'p2 2 00011 A0B0C1D1',
    '  s2 1 00010 A0B0C1D0',
  ]);
  const all = editionSummary(data);
  assert.deepEqual(outline([all])[0], '(all) 7 13111 A1B2C2D2');
  assert.deepEqual([all.key, all.name, all.level, all.children.length], ['', '合計', 0, 2]);
});

test('a grade set by hand counts as that grade; a plan without grades has byGrade {}', () => {
  const pillars = [{ key: 'p', name: '柱', tagline: null, subAreas: [] }];
  const manual = { ...initiative('a', 'p', null, 'in_progress', '50'), grade: { grade: 'B', reason: '見込み', by: null } };
  assert.deepEqual(groupSummaries(edition(pillars, [manual], graded))[0]!.byGrade, { A: 0, B: 1, C: 0, D: 0 });
  const plain = groupSummaries(edition(pillars, [manual], DEFAULT_PLAN_SETTINGS));
  assert.deepEqual(plain[0]!.byGrade, {});
  assert.equal(editionSummary(edition(pillars, [], graded)).total, 0);
});

test('the sample: the pillar rows are its 計画の進捗状況 table', () => {
  const text = readFileSync(new URL('../../data-sample/hitachi-2023/plan.txt', import.meta.url), 'utf8');
  const data = parsePlanText(text, { organization: { code: '082023', name: '日立市' } }).data;
  const table = summaryTable(data);
  const summaries = groupSummaries(data);
  assert.deepEqual(
    summaries.map((s) => ({ pillarKey: s.key, pillarName: s.name, counts: s.byStatus, total: s.total })),
    table.rows,
  );
  // its second level: デジタル環境整備 holds 19, 3 of them in マイナンバーカードの普及促進
  const env = summaries.find((s) => s.name === 'デジタル環境整備')!;
  assert.deepEqual([env.total, env.children[0]!.name, env.children[0]!.total, env.children[0]!.level], [19, 'マイナンバーカードの普及促進', 3, 2]);
  const all = editionSummary(data);
  assert.deepEqual([all.byStatus, all.total], [table.totals, table.total]);
  assert.deepEqual(all.byGrade, {}, 'the sample has no grades');
});

test('property: at every level the total is the number of initiatives under the group, and the parts add up', () => {
  const statuses: Status[] = ['completed', 'in_progress', 'new', 'suspended', 'not_started'];
  const arb = fc.record({
    // up to 3 pillars with up to 6 groups each; a group's parent is an earlier group of the same pillar or none
    pillars: fc.array(fc.array(fc.nat(6), { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
    initiatives: fc.array(fc.record({ p: fc.nat(3), g: fc.nat(7), s: fc.constantFrom(...statuses), r: fc.option(fc.nat(150)) }), { maxLength: 30 }),
  });
  fc.assert(
    fc.property(arb, ({ pillars: shape, initiatives: rows }) => {
      const pillars = shape.map((groups, pi) => ({
        key: `p${pi}`,
        name: `柱${pi}`,
        tagline: null,
        subAreas: groups.map((parent, gi) => ({
          key: `p${pi}g${gi}`,
          name: `分野${gi}`,
          ...(parent < gi ? { parentKey: `p${pi}g${parent}` } : {}),
        })),
      }));
      const initiatives = rows.map((r, idx) => {
        const p = pillars[r.p % pillars.length]!;
        const g = r.g < p.subAreas.length ? p.subAreas[r.g]!.key : null;
        return initiative(`i${idx}`, p.key, g, r.s, r.r === null ? undefined : String(r.r));
      });
      const data = edition(pillars, initiatives, graded);
      const nodes = flattenGroups(groupTree(pillars));
      const sums = new Map<string, GroupSummary>();
      const walk = (s: GroupSummary) => {
        sums.set(`${s.level}:${s.key}`, s);
        s.children.forEach(walk);
      };
      groupSummaries(data).forEach(walk);
      assert.equal(sums.size, nodes.length);
      const add = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
      for (const n of nodes) {
        const s = sums.get(`${n.level}:${n.key}`)!;
        assert.equal(s.total, initiativesUnder(data, n).length);
        assert.equal(add(s.byStatus), s.total);
        assert.equal(add(s.byGrade), s.total);
        // a group holds at least what its children hold
        assert.ok(s.total >= s.children.reduce((a, c) => a + c.total, 0));
      }
      assert.equal(editionSummary(data).total, initiatives.length);
    }),
  );
});
