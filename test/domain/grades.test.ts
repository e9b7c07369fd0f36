// Grades from progress by the example scale A ≥ 110 目標より進んでいる, B ≥ 90 目標どおり, C ≥ 0
// 目標より遅れている, unrated D 評価できない; a grade set by hand and when it contradicts the numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computedGrade, gradeChoices, gradeContradiction, gradeForRate, gradeLabel, initiativeGrade } from '../../src/domain/grades.ts';
import { DEFAULT_PLAN_SETTINGS, type Indicator, type PlanSettings } from '../../src/domain/model.ts';

const settings: PlanSettings = {
  ...DEFAULT_PLAN_SETTINGS,
  grades: {
    scale: [
      { grade: 'A', label: '目標より進んでいる', min: '110' },
      { grade: 'B', label: '目標どおり', min: '90' },
      { grade: 'C', label: '目標より遅れている', min: '0' },
    ],
    unrated: { grade: 'D', label: '評価できない' },
    publish: true,
  },
};

/** One indicator with target 100 in 2026 and the given actual in 2023, so the rate is the actual. */
function withActual(actual: string | null): { indicators: Indicator[] } {
  return {
    indicators: [
      {
        key: 'k',
        name: '指標',
        kind: null,
        unit: '%',
        direction: 'higher',
        cumulative: false,
        perYear: false,
        baseline: null,
        target: { fiscalYear: 2026, value: '100' },
        qualitative: null,
        values: [{ fiscalYear: 2023, actual, target: null, achieved: null }],
      },
    ],
  };
}

test('computed grades A, B, C and unrated D by the example scale', () => {
  const grade = (actual: string | null) => computedGrade(withActual(actual), 2023, settings);
  // 120 ÷ 100 = 120.0 ≥ 110 → A
  assert.deepEqual(grade('120'), { grade: 'A', label: '目標より進んでいる', source: 'computed', rate: '120.0', reason: null, by: null });
  // exactly 110.0 reaches A; 109.99 truncates to 109.9 and is B
  assert.equal(grade('110')!.grade, 'A');
  assert.equal(grade('109.99')!.grade, 'B');
  assert.equal(grade('109.99')!.rate, '109.9');
  // 90.0 → B, 89.9 → C, 0 → C
  assert.equal(grade('90')!.grade, 'B');
  assert.equal(grade('89.9')!.grade, 'C');
  assert.equal(grade('0')!.grade, 'C');
  // below every min (−5.0 < 0): the last step, C
  assert.equal(grade('-5')!.grade, 'C');
  // no actual: D 評価できない, unrated
  assert.deepEqual(grade(null), { grade: 'D', label: '評価できない', source: 'unrated', rate: null, reason: null, by: null });
  // no indicators at all
  assert.equal(computedGrade({}, 2023, settings)!.source, 'unrated');
  // a qualitative target not judged
  const q = withActual(null);
  q.indicators[0]!.qualitative = '条例の制定';
  assert.equal(computedGrade(q, 2023, settings)!.grade, 'D');
  q.indicators[0]!.values[0]!.achieved = true;
  assert.equal(computedGrade(q, 2023, settings)!.grade, 'B', 'achieved is 100.0: B, not A (110 needs more than the target)');
});

test('a plan without grades has none', () => {
  assert.equal(computedGrade(withActual('120'), 2023, DEFAULT_PLAN_SETTINGS), null);
  assert.equal(initiativeGrade({ ...withActual('120'), grade: { grade: 'A', reason: 'x', by: null } }, 2023, DEFAULT_PLAN_SETTINGS), null);
  assert.deepEqual(gradeChoices(DEFAULT_PLAN_SETTINGS), []);
  assert.equal(gradeLabel(DEFAULT_PLAN_SETTINGS, 'A'), null);
});

test('the cap is for printing: 125 % printed 100.0 still earns A', () => {
  const capped = { ...settings, progress: { ...settings.progress, cap: true } };
  // 125 ÷ 100 = 125.0, judged uncapped ≥ 110 → A; printed capped at 100.0
  assert.deepEqual(computedGrade(withActual('125'), 2023, capped), {
    grade: 'A',
    label: '目標より進んでいる',
    source: 'computed',
    rate: '100.0',
    reason: null,
    by: null,
  });
});

test('a grade set by hand overrides, with its reason, and its contradiction is reported', () => {
  const i = { ...withActual('50'), grade: { grade: 'B', reason: '年度末に完了見込み', by: '評価委員 山田' } };
  // computed: 50.0 → C; by hand: B
  assert.deepEqual(initiativeGrade(i, 2023, settings), {
    grade: 'B',
    label: '目標どおり',
    source: 'manual',
    rate: '50.0',
    reason: '年度末に完了見込み',
    by: '評価委員 山田',
  });
  assert.deepEqual(gradeContradiction(i, 2023, settings), { manual: 'B', computed: 'C', rate: '50.0' });
  // the same grade by hand is no contradiction
  assert.equal(gradeContradiction({ ...i, grade: { ...i.grade, grade: 'C' } }, 2023, settings), null);
  // nothing computed to contradict: a manual A on an initiative without actuals
  const unjudged = { ...withActual(null), grade: { grade: 'A', reason: '定性的に判断', by: null } };
  assert.equal(initiativeGrade(unjudged, 2023, settings)!.label, '目標より進んでいる');
  assert.equal(initiativeGrade(unjudged, 2023, settings)!.rate, null);
  assert.equal(gradeContradiction(unjudged, 2023, settings), null);
  // no manual grade: no contradiction, the computed grade
  assert.equal(gradeContradiction(withActual('50'), 2023, settings), null);
  assert.equal(initiativeGrade(withActual('50'), 2023, settings)!.source, 'computed');
  // a manual D (the unrated grade) takes its label; a grade outside the scale has none, and does not crash
  assert.equal(initiativeGrade({ ...i, grade: { ...i.grade, grade: 'D' } }, 2023, settings)!.label, '評価できない');
  assert.equal(initiativeGrade({ ...i, grade: { ...i.grade, grade: 'S' } }, 2023, settings)!.label, '');
});

test('labels, choices, and the step for a rate', () => {
  assert.equal(gradeLabel(settings, 'A'), '目標より進んでいる');
  assert.equal(gradeLabel(settings, 'D'), '評価できない');
  assert.equal(gradeLabel(settings, 'E'), null);
  assert.deepEqual(
    gradeChoices(settings).map((c) => `${c.grade} ${c.label}`),
    ['A 目標より進んでいる', 'B 目標どおり', 'C 目標より遅れている', 'D 評価できない'],
  );
  assert.deepEqual(gradeForRate(settings.grades!, '95.5'), { grade: 'B', label: '目標どおり' });
  assert.equal(gradeForRate({ ...settings.grades!, scale: [] }, '95.5'), null);
});
