// The plan's shape through the database, generated from the model: random group trees of up to four
// levels and random shape parts (sections, indicators, hand-set grades, schedules, milestones) are saved,
// read back, published and rolled over. What is read is what was written, in canonical form (shape.ts),
// on both databases; a plan of the sample's shape reads without any of the new keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backends } from '../helpers/db.ts';
import { smallEdition } from '../fixtures/small-edition.ts';
import { saveEdition } from '../../src/db/repository.ts';
import { loadEdition } from '../../src/db/edition-read.ts';
import { rollover } from '../../src/domain/rollover.ts';
import { publishEdition } from '../../src/db/workspace.ts';
import { systemActor } from '../../src/db/command.ts';
import { loadPublished } from '../../src/db/publication.ts';
import { withShape } from '../../src/domain/shape.ts';
import { DEFAULT_PLAN_SETTINGS, type EditionData, type Indicator, type Initiative, type Pillar, type PlanSettings } from '../../src/domain/model.ts';

const SETTINGS: PlanSettings = {
  ...DEFAULT_PLAN_SETTINGS,
  levels: ['基本目標', '取組分野', '取組事項', '細目'],
  initiativeName: '事業',
  fields: [
    { key: 'overview', label: '取組の概要', type: 'text' },
    { key: 'budget', label: '事業費（千円）', type: 'money' },
    { key: 'url', label: '関連ページ', type: 'url' },
    { key: 'area', label: '対象', type: 'select', options: ['全庁', '窓口'] },
    { key: 'done', label: '完了予定', type: 'date' },
    { key: 'open', label: '公開', type: 'boolean' },
  ],
  indicatorKinds: ['活動指標', '成果指標'],
  grades: {
    scale: [
      { grade: 'A', label: '目標より進んでいる', min: '110' },
      { grade: 'B', label: '目標どおり', min: '90' },
      { grade: 'C', label: '目標より遅れている', min: '0' },
    ],
    unrated: { grade: 'D', label: '評価できない' },
    publish: true,
  },
  schedule: { unit: 'fiscal-year', phases: ['検討', '準備', '実施', '運用'], milestones: true },
};

const decimal = fc
  .tuple(fc.integer({ min: -99999, max: 999999 }), fc.integer({ min: 0, max: 99 }), fc.boolean())
  .map(([i, f, frac]) => (frac ? `${i}.${String(f).padStart(2, '0').replace(/0+$/, '') || '5'}` : String(i)));
const words = fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.replace(/[\u0000-\u001f]/g, '').trim() || '値');
const year = fc.integer({ min: 2022, max: 2026 });

const indicator = (k: number): fc.Arbitrary<Indicator> =>
  fc.record({
    key: fc.constant(`m${k}`),
    name: words,
    kind: fc.constantFrom(null, '活動指標', '成果指標'),
    unit: fc.constantFrom(null, '人', '%', '件'),
    direction: fc.constantFrom('higher' as const, 'lower' as const),
    cumulative: fc.boolean(),
    perYear: fc.boolean(),
    baseline: fc.option(fc.record({ fiscalYear: year, value: decimal }), { nil: null }),
    target: fc.option(fc.record({ fiscalYear: year, value: decimal }), { nil: null }),
    qualitative: fc.option(words, { nil: null }),
    values: fc.uniqueArray(
      fc.record({
        fiscalYear: year,
        target: fc.option(decimal, { nil: null }),
        actual: fc.option(decimal, { nil: null }),
        achieved: fc.constantFrom(null, true, false),
      }),
      { selector: (v) => v.fiscalYear, maxLength: 5 },
    ),
  });

const shapeParts = fc
  .record({
    fields: fc.record(
      {
        overview: words,
        budget: decimal,
        url: fc.constant('https://example.jp/page?a=1&b=2'),
        area: fc.constantFrom('全庁', '窓口'),
        done: fc.constant('2025-03-31'),
        open: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    indicators: fc.array(fc.nat(5), { maxLength: 3 }).chain((ks) => fc.tuple(...ks.map((_, k) => indicator(k)))),
    grade: fc.option(fc.record({ grade: fc.constantFrom('A', 'B', 'C', 'D'), reason: words, by: fc.option(words, { nil: null }) }), { nil: undefined }),
    schedule: fc.uniqueArray(fc.record({ period: year.map(String), phase: fc.constantFrom('検討', '準備', '実施', '運用') }), {
      selector: (c) => c.period,
      maxLength: 5,
    }),
    milestones: fc.array(fc.record({ date: fc.constantFrom('2024-06', '2025-03-31', '2026-01-15'), label: words, done: fc.boolean() }), { maxLength: 3 }),
  })
  // Plain objects, as JSON gives them (fast-check builds some without a prototype).
  .map((p) => ({ ...JSON.parse(JSON.stringify(p)), grade: p.grade && { ...p.grade } }));

/** A pillar with a chain of groups three deep below it, and initiatives placed at every depth. */
function deepEdition(parts: (typeof shapeParts extends fc.Arbitrary<infer T> ? T : never)[]): EditionData {
  const base = smallEdition();
  const pillars: Pillar[] = [
    {
      key: 'p1',
      name: '基本目標1',
      tagline: null,
      subAreas: [
        { key: 'p1-s1', name: '取組分野1' },
        { key: 'p1-s2', name: '取組事項1', parentKey: 'p1-s1' },
        { key: 'p1-s3', name: '細目1', parentKey: 'p1-s2' },
        { key: 'p1-s4', name: '取組分野2' },
      ],
    },
    { key: 'p2', name: '基本目標2', tagline: null, subAreas: [] },
  ];
  const places = [null, 'p1-s1', 'p1-s2', 'p1-s3', 'p1-s4'];
  const initiatives: Initiative[] = parts.map((p, k) =>
    withShape({
      ...structuredClone(base.initiatives[0]!),
      key: `k${String(k).padStart(4, '0')}`,
      number: String(k + 1).padStart(2, '0'),
      title: `事業${k + 1}`,
      pillarKey: k % 6 === 5 ? 'p2' : 'p1',
      subAreaKey: k % 6 === 5 ? null : places[k % places.length]!,
      ...p,
    }),
  );
  return { ...base, plan: { ...base.plan, settings: SETTINGS }, edition: { ...base.edition, state: 'draft' }, pillars, initiatives, kpis: [] };
}

for (const backend of backends) {
  test(`${backend.name}: the plan's shape is stored and read back exactly, rolled over and published`, async () => {
    const database = await backend.open();
    try {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(shapeParts, { minLength: 1, maxLength: 6 }), async (parts) => {
          const data = deepEdition(parts);
          // Each run is its own organization, so runs never meet.
          const code = ['012025', '012033', '012041', '012050', '012068', '012076', '012084', '012092', '012106', '012114'][run++ % 10]!;
          const org = { code, name: `試験町${run}` };
          const edition = { ...data, organization: org };
          await saveEdition(database.db, edition, { actor: 'test', source: 'test', replace: true });
          const loaded = await loadEdition(database.db, code, 2023);
          assert.deepEqual(loaded!.pillars, edition.pillars);
          assert.deepEqual(loaded!.initiatives, edition.initiatives);
          // What the public reads is the same.
          await publishEdition(database.db, await systemActor(database.db, code, 'test'), 2023);
          assert.deepEqual((await loadPublished(database.db, code, 2023))!.initiatives, edition.initiatives);

          // The next year carries everything but a grade set by hand.
          const next = rollover(loaded!);
          for (const i of next.initiatives) assert.equal(i.grade, undefined);
          await saveEdition(database.db, next, { actor: 'test', source: 'test', replace: true });
          const loadedNext = await loadEdition(database.db, code, 2024);
          assert.deepEqual(loadedNext!.initiatives, next.initiatives);
          assert.deepEqual(loadedNext!.pillars, next.pillars);
        }),
        { numRuns: backend.name === 'pglite' ? 20 : 12, seed: Number(process.env.SHAPE_SEED ?? 20241201) },
      );
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: an edition of the sample's shape reads with none of the new keys`, async () => {
    const database = await backend.open();
    try {
      await saveEdition(database.db, smallEdition(), { actor: 'test', source: 'test' });
      const loaded = await loadEdition(database.db, '082023', 2023);
      for (const i of loaded!.initiatives) for (const k of ['fields', 'indicators', 'grade', 'schedule', 'milestones']) assert.equal(k in i, false, k);
      for (const p of loaded!.pillars) for (const s of p.subAreas) assert.equal('parentKey' in s, false);
    } finally {
      await database.close();
    }
  });
}
