// Random editions for the rollover property: the sample with a random choice and order of its initiatives,
// random statuses, numbers, plan targets (named, unnamed, padded), results and 実績 text, a random fiscal
// year and title, and sometimes a sub-area dropped.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sampleDocument } from '../../src/db/sample.ts';
import { STATUS_ORDER, type EditionData, type Initiative, type PlanTarget, type Result, type Status } from '../../src/domain/model.ts';
import { DECIMALS } from './structure-walk.ts';

const SAMPLE = sampleDocument().doc.data;

const LABELS = ['', ' ', '\u3000', 'マイナンバーカード交付率', ' 研修受講者数 ', '延べ利用者数', '26コンテンツ', '・', 'オンライン申請件数'];
const UNITS = [null, '%', '人', '件', 'コンテンツ'];

const targetArb: fc.Arbitrary<PlanTarget> = fc
  .record({
    label: fc.constantFrom(...LABELS),
    value: fc.option(fc.constantFrom(...DECIMALS), { nil: null }),
    unit: fc.constantFrom(...UNITS),
    raw: fc.constantFrom('', '・マイナンバーカード交付率 85%', '・26コンテンツ'),
  })
  .map((x) => ({ ...x }));

const resultArb: fc.Arbitrary<Result> = fc
  .record({
    label: fc.constantFrom(...LABELS.filter((l) => l.trim())),
    actual: fc.option(fc.constantFrom(...DECIMALS), { nil: null }),
    target: fc.option(fc.constantFrom(...DECIMALS), { nil: null }),
    unit: fc.constantFrom(...UNITS),
    note: fc.option(fc.constantFrom('見込み', '※速報値'), { nil: null }),
    raw: fc.constantFrom('', '85.2%（85%）'),
  })
  .map((x) => ({ ...x }));

const editArb = fc.record({
  status: fc.constantFrom<Status>(...STATUS_ORDER),
  number: fc.oneof({ weight: 4, arbitrary: fc.constant('keep' as const) }, { weight: 1, arbitrary: fc.constant(null) }),
  title: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('新しい施策', ' 前後に空白 ', 'タイトル（2023）') }),
  planTargets: fc.array(targetArb, { maxLength: 3 }),
  results: fc.array(resultArb, { maxLength: 2 }),
  resultsText: fc.constantFrom('', '・受講者数 120人（100人）'),
  dropSubArea: fc.boolean(),
});

export interface RolloverCase {
  data: EditionData;
  dropCompleted: boolean;
}

/** `max` initiatives at most (a small edition keeps a database case quick). */
export function rolloverCaseArb(max: number, fiscalYears: readonly number[] = [2022, 2023, 2024, 2025]): fc.Arbitrary<RolloverCase> {
  return fc
    .record({
      picks: fc.uniqueArray(fc.nat({ max: SAMPLE.initiatives.length - 1 }), { maxLength: max }),
      edits: fc.array(editArb, { minLength: max, maxLength: max }),
      fiscalYear: fc.constantFrom(...fiscalYears),
      titleWithYear: fc.boolean(),
      dropCompleted: fc.boolean(),
    })
    .map(({ picks, edits, fiscalYear, titleWithYear, dropCompleted }) => {
      const data = structuredClone(SAMPLE);
      data.edition = {
        ...data.edition,
        fiscalYear,
        title: titleWithYear ? `日立市デジタル化推進アクションプラン${fiscalYear}` : '日立市デジタル化推進アクションプラン',
        state: 'published',
      };
      data.initiatives = picks.map((n, k): Initiative => {
        const i = structuredClone(SAMPLE.initiatives[n]!);
        const x = edits[k]!;
        return {
          ...i,
          status: x.status,
          number: x.number === 'keep' ? i.number : null,
          title: x.title ?? i.title,
          subAreaKey: x.dropSubArea ? null : i.subAreaKey,
          planTargets: x.planTargets,
          results: x.results,
          resultsText: x.resultsText,
          resultsFiscalYear: fiscalYear - 1,
        };
      });
      return { data, dropCompleted };
    });
}

/** The rollover's contract, checked on `next = rollover(data)`. */
export function checkRollover(data: EditionData, next: EditionData, dropCompleted: boolean) {
  const fy = data.edition.fiscalYear;
  const kept = data.initiatives.filter((i) => !(dropCompleted && i.status === 'completed'));
  assert.deepEqual(
    next.initiatives.map((i) => i.key),
    kept.map((i) => i.key),
    dropCompleted ? 'exactly the 完了 ones are dropped, the rest keep their order' : 'every initiative is carried, in order',
  );
  next.initiatives.forEach((n, k) => {
    const i = kept[k]!;
    const pick = (x: Initiative) => ({
      key: x.key,
      pillarKey: x.pillarKey,
      subAreaKey: x.subAreaKey,
      departments: x.departments,
      number: x.number,
      title: x.title,
      content: x.content,
      plan: x.plan,
      planTargets: x.planTargets,
    });
    assert.deepEqual(pick(n), pick(i), `${i.key} keeps its identity, placement, wording and plan`);
    assert.equal(n.status, i.status === 'new' ? 'in_progress' : i.status, `${i.key}: 新規 becomes 実施中, other statuses stay`);
    assert.equal(n.resultsFiscalYear, fy, `${i.key}: the results describe last year`);
    assert.deepEqual(
      n.results,
      i.planTargets.map((p) => ({ label: p.label.trim() || i.title, actual: null, target: p.value, unit: p.unit, note: null, raw: '' })),
      `${i.key}: results are last year's plan targets, actuals empty`,
    );
    assert.equal(n.resultsText, '', `${i.key}: no 実績 text yet`);
  });
  assert.equal(next.edition.fiscalYear, fy + 1);
  assert.equal(next.edition.state, 'draft');
  assert.equal(next.edition.source, null);
  assert.equal(next.edition.title, data.edition.title.endsWith(String(fy)) ? `${data.edition.title.slice(0, -4)}${fy + 1}` : data.edition.title);
  assert.deepEqual([next.edition.tagline, next.edition.lead], [data.edition.tagline, data.edition.lead]);
  assert.deepEqual(
    { organization: next.organization, plan: next.plan, pillars: next.pillars, kpis: next.kpis, departments: next.departments },
    { organization: data.organization, plan: data.plan, pillars: data.pillars, kpis: data.kpis, departments: data.departments },
    'plan, pillars, KPIs and departments are carried as they are',
  );
}
