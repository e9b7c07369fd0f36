// Worked examples of the progress rule (src/domain/progress.ts), each with the arithmetic a council member
// would do by hand in a comment, and properties that recompute rates in integers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_PLAN_SETTINGS, type Indicator, type IndicatorValue, type ProgressRule } from '../../src/domain/model.ts';
import { targetKindLabel, targetKindLabelEn, targetText, valueText } from '../../src/domain/indicator-text.ts';
import { indicatorProgress, initiativeProgress, targetFor } from '../../src/domain/progress.ts';

const ratio: ProgressRule = DEFAULT_PLAN_SETTINGS.progress; // truncate, 1 decimal, no cap
const baseline: ProgressRule = { ...ratio, method: 'baseline' };
const onTrack: ProgressRule = { ...ratio, method: 'on-track' };
const growth: ProgressRule = { ...ratio, method: 'on-track', curve: 'growth' };

function v(fiscalYear: number, actual: string | null, target: string | null = null, achieved: boolean | null = null): IndicatorValue {
  return { fiscalYear, actual, target, achieved };
}

function ind(over: Partial<Indicator>): Indicator {
  return {
    key: 'k',
    name: '指標',
    kind: null,
    unit: null,
    direction: 'higher',
    cumulative: false,
    perYear: false,
    baseline: null,
    target: null,
    qualitative: null,
    values: [],
    ...over,
  };
}

test('ratio, higher is better: the sample KPI 11.2 of 23, truncated and half-up', () => {
  const x = ind({ unit: '%', target: { fiscalYear: 2026, value: '23' }, values: [v(2022, '11.2')] });
  // 11.2 ÷ 23 × 100 = 48.695… → truncated 48.6, half-up 48.7
  const p = indicatorProgress(x, 2023, ratio);
  assert.deepEqual(p, { fiscalYear: 2022, actual: '11.2', target: '23', expected: null, rate: '48.6', basis: 'ratio', unrated: null });
  assert.equal(indicatorProgress(x, 2023, { ...ratio, rounding: 'half-up' }).rate, '48.7');
  // two decimals: 48.69 (truncate) and 48.70 (half-up: 48.695… rounds up)
  assert.equal(indicatorProgress(x, 2023, { ...ratio, decimals: 2 }).rate, '48.69');
  assert.equal(indicatorProgress(x, 2023, { ...ratio, decimals: 2, rounding: 'half-up' }).rate, '48.70');
});

test('ratio, lower is better: target ÷ actual', () => {
  // 待ち時間 target 100 minutes, actual 120: 100 ÷ 120 × 100 = 83.33… → 83.3
  const x = ind({ direction: 'lower', target: { fiscalYear: 2026, value: '100' }, values: [v(2023, '120')] });
  assert.equal(indicatorProgress(x, 2023, ratio).rate, '83.3');
  // actual 80, better than the target: 100 ÷ 80 × 100 = 125.0
  assert.equal(indicatorProgress({ ...x, values: [v(2023, '80')] }, 2023, ratio).rate, '125.0');
  // actual 0 has no ratio: 100 ÷ 0
  assert.equal(indicatorProgress({ ...x, values: [v(2023, '0')] }, 2023, ratio).unrated, 'zero-denominator');
});

test('cap at 100 and the order of cap and rounding', () => {
  const x = ind({ target: { fiscalYear: 2026, value: '100' }, values: [v(2023, '150')] });
  // 150 ÷ 100 × 100 = 150 → capped 100.0
  assert.equal(indicatorProgress(x, 2023, { ...ratio, cap: true }).rate, '100.0');
  assert.equal(indicatorProgress(x, 2023, ratio).rate, '150.0');
  // 100.04 ÷ 100 × 100 = 100.04: capped 100.0 either way; uncapped half-up to 0 decimals 100
  const y = { ...x, values: [v(2023, '100.04')] };
  assert.equal(indicatorProgress(y, 2023, { ...ratio, cap: true, rounding: 'half-up' }).rate, '100.0');
  assert.equal(indicatorProgress(y, 2023, { ...ratio, decimals: 0, rounding: 'half-up' }).rate, '100');
});

test('baseline: higher and lower is better, zero baseline, no baseline', () => {
  // 研修受講率 from 40 (2021) to 100: actual 70 → (70 − 40) ÷ (100 − 40) = 30 ÷ 60 = 50.0
  const up = ind({ baseline: { fiscalYear: 2021, value: '40' }, target: { fiscalYear: 2026, value: '100' }, values: [v(2023, '70')] });
  assert.deepEqual(indicatorProgress(up, 2023, baseline), {
    fiscalYear: 2023,
    actual: '70',
    target: '100',
    expected: null,
    rate: '50.0',
    basis: 'baseline',
    unrated: null,
  });
  // 交通事故 from 200 to 100, now 150 → (150 − 200) ÷ (100 − 200) = −50 ÷ −100 = 50.0
  const down = ind({ direction: 'lower', baseline: { fiscalYear: 2021, value: '200' }, target: { fiscalYear: 2026, value: '100' }, values: [v(2023, '150')] });
  assert.equal(indicatorProgress(down, 2023, baseline).rate, '50.0');
  // worse than the baseline: 220 → (220 − 200) ÷ (100 − 200) = −20.0
  assert.equal(indicatorProgress({ ...down, values: [v(2023, '220')] }, 2023, baseline).rate, '-20.0');
  // zero baseline: (30 − 0) ÷ (120 − 0) = 25.0, the same as the ratio
  const zero = ind({ baseline: { fiscalYear: 2021, value: '0' }, target: { fiscalYear: 2026, value: '120' }, values: [v(2023, '30')] });
  assert.equal(indicatorProgress(zero, 2023, baseline).rate, '25.0');
  assert.equal(indicatorProgress(zero, 2023, ratio).rate, '25.0');
  // no baseline: falls back to the ratio 70 ÷ 100 = 70.0
  const none = { ...up, baseline: null };
  assert.deepEqual(
    { rate: indicatorProgress(none, 2023, baseline).rate, basis: indicatorProgress(none, 2023, baseline).basis },
    { rate: '70.0', basis: 'ratio' },
  );
  // the ratio method ignores the baseline: 70 ÷ 100
  assert.equal(indicatorProgress(up, 2023, ratio).rate, '70.0');
  // a target equal to the baseline has no distance to cover
  assert.equal(indicatorProgress({ ...up, target: { fiscalYear: 2026, value: '40' } }, 2023, baseline).unrated, 'zero-denominator');
});

test('zero target and zero denominators are unrated, never Infinity', () => {
  const x = ind({ target: { fiscalYear: 2026, value: '0' }, values: [v(2023, '5')] });
  const p = indicatorProgress(x, 2023, ratio);
  assert.equal(p.rate, null);
  assert.equal(p.unrated, 'zero-denominator');
  assert.equal(p.actual, '5');
});

test('cumulative and per-year targets', () => {
  // 累計 75人 by 2026; running totals 20 (2022), 45 (2023): 45 ÷ 75 = 60.0 — the total, not 25 this year
  const cum = ind({ unit: '人', cumulative: true, target: { fiscalYear: 2026, value: '75' }, values: [v(2022, '20'), v(2023, '45')] });
  assert.equal(indicatorProgress(cum, 2023, ratio).rate, '60.0');
  // 1,000人/年: each year alone: 850 in 2023 → 850 ÷ 1,000 = 85.0, 2022's 400 does not add
  const per = ind({ unit: '人', perYear: true, target: { fiscalYear: 2026, value: '1000' }, values: [v(2022, '400'), v(2023, '850')] });
  assert.equal(indicatorProgress(per, 2023, ratio).rate, '85.0');
  // a year's own target wins: 2023 target 800 → 850 ÷ 800 = 106.2 (106.25 truncated)
  const own = { ...per, values: [v(2022, '400'), v(2023, '850', '800')] };
  assert.equal(indicatorProgress(own, 2023, ratio).rate, '106.2');
  assert.equal(indicatorProgress(own, 2023, ratio).target, '800');
  assert.equal(targetFor(own, 2023), '800');
  assert.equal(targetFor(own, 2024), '1000');
  // on-track: a per-year rate is what is expected every year (no path): (850 − 500) ÷ (1,000 − 500) = 70.0
  const perB = { ...per, baseline: { fiscalYear: 2021, value: '500' } };
  const p = indicatorProgress(perB, 2023, onTrack);
  assert.deepEqual([p.rate, p.expected, p.basis], ['70.0', '1000', 'on-track']);
});

test('a target year not yet reached: the final target for ratio, the path for on-track', () => {
  // final target 100 in 2026, baseline 20 in 2021, actual 60 in 2023
  const x = ind({ baseline: { fiscalYear: 2021, value: '20' }, target: { fiscalYear: 2026, value: '100' }, values: [v(2023, '60')] });
  // ratio: 60 ÷ 100 = 60.0; baseline: (60 − 20) ÷ (100 − 20) = 50.0
  assert.equal(indicatorProgress(x, 2023, ratio).rate, '60.0');
  assert.equal(indicatorProgress(x, 2023, baseline).rate, '50.0');
  // on-track, linear: expected(2023) = 20 + (100 − 20) × (2023 − 2021) ÷ (2026 − 2021) = 20 + 80 × 2/5 = 52
  //   rate = (60 − 20) ÷ (52 − 20) = 40 ÷ 32 = 125.0: ahead of the path
  assert.deepEqual(indicatorProgress(x, 2023, onTrack), {
    fiscalYear: 2023,
    actual: '60',
    target: '100',
    expected: '52',
    rate: '125.0',
    basis: 'on-track',
    unrated: null,
  });
});

test('on-track linear: inexact path values, the final year and beyond, the baseline year, fallbacks', () => {
  // baseline 100 (2022), final 200 (2025): expected(2023) = 100 + 100 × 1/3 = 133.33…
  //   actual 120 → (120 − 100) ÷ (133.33… − 100) = 20 ÷ 33.33… = 60.0 exactly (20 × 3 ÷ 100)
  const x = ind({ baseline: { fiscalYear: 2022, value: '100' }, target: { fiscalYear: 2025, value: '200' }, values: [v(2023, '120')] });
  const p = indicatorProgress(x, 2023, onTrack);
  assert.deepEqual([p.rate, p.expected], ['60.0', '133.33']);
  // 2027, after the final year: expected is the final 200; actual 190 → 90 ÷ 100 = 90.0
  const late = indicatorProgress({ ...x, values: [v(2027, '190')] }, 2027, onTrack);
  assert.deepEqual([late.rate, late.expected], ['90.0', '200']);
  // measured in the baseline year itself: nothing is expected yet (expected − baseline = 0)
  assert.equal(indicatorProgress({ ...x, values: [v(2022, '100')] }, 2022, onTrack).unrated, 'zero-denominator');
  // a target set for the year is what is expected: 2023 target 110 → (120 − 100) ÷ (110 − 100) = 200.0
  const own = indicatorProgress({ ...x, values: [v(2023, '120', '110')] }, 2023, onTrack);
  assert.deepEqual([own.rate, own.expected, own.target], ['200.0', '110', '200']);
  // lower is better on the path: 200 (2022) → 100 (2026); expected(2024) = 200 − 100 × 2/4 = 150; actual 160 → −40 ÷ −50 = 80.0
  const down = ind({ direction: 'lower', baseline: { fiscalYear: 2022, value: '200' }, target: { fiscalYear: 2026, value: '100' }, values: [v(2024, '160')] });
  assert.deepEqual([indicatorProgress(down, 2024, onTrack).rate, indicatorProgress(down, 2024, onTrack).expected], ['80.0', '150']);
  // without a baseline on-track is the ratio: 120 ÷ 200 = 60.0
  const noBase = indicatorProgress({ ...x, baseline: null }, 2023, onTrack);
  assert.deepEqual([noBase.rate, noBase.basis], ['60.0', 'ratio']);
  // without a final target (only this year's 150) it is the baseline method: (120 − 100) ÷ (150 − 100) = 40.0
  const noFinal = indicatorProgress({ ...x, target: null, values: [v(2023, '120', '150')] }, 2023, onTrack);
  assert.deepEqual([noFinal.rate, noFinal.basis], ['40.0', 'baseline']);
});

test('on-track growth: a constant growth rate from the baseline', () => {
  // 100 (2022) → 400 (2026): expected(2024) = 100 × (400 ÷ 100)^(2/4) = 100 × 2 = 200; actual 150 → 50 ÷ 100 = 50.0
  const x = ind({ baseline: { fiscalYear: 2022, value: '100' }, target: { fiscalYear: 2026, value: '400' }, values: [v(2024, '150')] });
  const p = indicatorProgress(x, 2024, growth);
  assert.deepEqual([p.rate, p.expected, p.basis], ['50.0', '200', 'on-track']);
  // linear would expect 250: (150 − 100) ÷ (250 − 100) = 33.3
  assert.equal(indicatorProgress(x, 2024, onTrack).rate, '33.3');
  // expected(2023) = 100 × 4^(1/4) = 141.421356…; actual 130 → 30 ÷ 41.421356… = 72.42… → 72.4
  const q = indicatorProgress({ ...x, values: [v(2023, '130')] }, 2023, growth);
  assert.deepEqual([q.rate, q.expected], ['72.4', '141.42']);
  // 1 (2021) → 8 (2024): expected(2022) = 8^(1/3) = 2 exactly, so actual 2 is exactly on track: 100.0, not 99.9
  const cube = ind({ baseline: { fiscalYear: 2021, value: '1' }, target: { fiscalYear: 2024, value: '8' }, values: [v(2022, '2'), v(2023, '4')] });
  assert.equal(indicatorProgress(cube, 2022, growth).rate, '100.0');
  // expected(2023) = 8^(2/3) = 4: actual 4 → (4 − 1) ÷ (4 − 1) = 100.0
  assert.equal(indicatorProgress(cube, 2023, growth).rate, '100.0');
  // a zero baseline cannot grow by a rate: linear instead, 0 → 400: expected(2024) = 200; 150 ÷ 200 = 75.0
  const zero = { ...x, baseline: { fiscalYear: 2022, value: '0' } };
  assert.equal(indicatorProgress(zero, 2024, growth).rate, '75.0');
});

test('no actual, no target, the year measured', () => {
  const x = ind({ target: { fiscalYear: 2026, value: '100' }, values: [v(2022, '30'), v(2023, null, '50'), v(2024, '90')] });
  // as of 2023 the latest actual is 2022's 30 (2024's is in the future): 30 ÷ 100 = 30.0
  const p = indicatorProgress(x, 2023, ratio);
  assert.deepEqual([p.fiscalYear, p.rate, p.target], [2022, '30.0', '100']);
  // as of 2021 nothing is measured yet
  assert.deepEqual(indicatorProgress(x, 2021, ratio), {
    fiscalYear: null,
    actual: null,
    target: '100',
    expected: null,
    rate: null,
    basis: 'ratio',
    unrated: 'no-actual',
  });
  assert.equal(indicatorProgress(ind({ values: [v(2023, '5')] }), 2023, ratio).unrated, 'no-target');
  // an unreadable actual is no actual; it does not crash
  assert.equal(indicatorProgress(ind({ target: { fiscalYear: 2026, value: '10' }, values: [v(2023, '約30')] }), 2023, ratio).unrated, 'no-actual');
  // values stored out of order are read in year order
  const shuffled = { ...x, values: [v(2024, '90'), v(2022, '30')] };
  assert.equal(indicatorProgress(shuffled, 2025, ratio).fiscalYear, 2024);
});

test('qualitative targets: achieved 100, not achieved 0, not judged unrated', () => {
  const x = ind({ qualitative: '行動規範の制定', values: [v(2022, null, null, false), v(2023, null, null, true)] });
  assert.deepEqual(indicatorProgress(x, 2023, ratio), {
    fiscalYear: 2023,
    actual: null,
    target: null,
    expected: null,
    rate: '100.0',
    basis: 'qualitative',
    unrated: null,
  });
  assert.equal(indicatorProgress(x, 2022, ratio).rate, '0.0');
  assert.equal(indicatorProgress(x, 2022, { ...ratio, decimals: 0 }).rate, '0');
  assert.equal(indicatorProgress({ ...x, values: [v(2023, null)] }, 2023, ratio).unrated, 'not-judged');
  assert.equal(indicatorProgress({ ...x, values: [] }, 2023, onTrack).unrated, 'not-judged');
});

test('an initiative: the lowest rate among its rated indicators', () => {
  const a = ind({ key: 'a', target: { fiscalYear: 2026, value: '100' }, values: [v(2023, '90')] }); // 90.0
  const b = ind({ key: 'b', target: { fiscalYear: 2026, value: '23' }, values: [v(2023, '11.2')] }); // 48.6
  const c = ind({ key: 'c', target: { fiscalYear: 2026, value: '100' } }); // no actual
  const p = initiativeProgress({ indicators: [a, b, c] }, 2023, ratio);
  assert.equal(p.rate, '48.6');
  assert.deepEqual(
    p.indicators.map((x) => x.rate),
    ['90.0', '48.6', null],
  );
  // "100.0" vs "99.9" compared as numbers, "-5.0" is lower than "0.0"
  assert.equal(initiativeProgress({ indicators: [a, { ...a, values: [v(2023, '-5')] }] }, 2023, ratio).rate, '-5.0');
  assert.deepEqual(initiativeProgress({ indicators: [c] }, 2023, ratio), { rate: null, indicators: [indicatorProgress(c, 2023, ratio)] });
  assert.deepEqual(initiativeProgress({}, 2023, ratio), { rate: null, indicators: [] });
});

test('how targets and values are printed (indicator-text.ts)', () => {
  assert.equal(valueText('1000', '人'), '1,000人');
  assert.equal(valueText('85', '%'), '85%');
  assert.equal(valueText('2682332.5', null), '2,682,332.5');
  assert.equal(valueText(null, '人'), '');
  assert.equal(valueText('2023年度中', null), '2023年度中', 'text that is not a number is not grouped');
  const per = ind({ unit: '人', perYear: true, target: { fiscalYear: 2026, value: '1000' }, values: [v(2024, null, '800')] });
  assert.equal(targetText(per), '1,000人/年');
  assert.equal(targetText(per, 2024), '800人/年');
  assert.equal(targetText(per, 2025), '1,000人/年');
  const cum = ind({ unit: '人', cumulative: true, target: { fiscalYear: 2026, value: '75' } });
  assert.equal(targetText(cum), '75人（累計）');
  assert.equal(targetText(ind({ unit: '%', target: { fiscalYear: 2026, value: '85' } })), '85%');
  const q = ind({ qualitative: '行動規範の制定' });
  assert.equal(targetText(q), '行動規範の制定');
  assert.equal(targetText(ind({})), '—');
  assert.equal(targetText(ind({}), 2024), '—');
  // only yearly targets: the latest year's is the headline
  assert.equal(targetText(ind({ unit: '件', values: [v(2024, null, '10'), v(2025, null, '20')] })), '20件');
  assert.deepEqual([per, cum, q, ind({})].map(targetKindLabel), ['年間', '累計', '定性', '数値']);
  assert.deepEqual([per, cum, q, ind({})].map(targetKindLabelEn), ['per year', 'cumulative', 'qualitative', 'numeric']);
});

/** A decimal string of an integer n scaled down by 10^k: (1234, 2) → "12.34". */
function scaled(n: bigint, k: number): string {
  const neg = n < 0n;
  const s = (neg ? -n : n).toString().padStart(k + 1, '0');
  const out = k === 0 ? s : `${s.slice(0, -k)}.${s.slice(-k)}`;
  return (neg ? '-' : '') + out;
}

/** Truncated rate in integers: floor(num × 100 × 10^d ÷ den) for non-negative values, printed with d decimals. */
function truncatedRate(num: bigint, den: bigint, d: number): string {
  const q = (num * 100n * 10n ** BigInt(d)) / den;
  return scaled(q, d);
}

test('property: the ratio equals the one recomputed in integers scaled by 10^k', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      fc.bigInt({ min: 1n, max: 10n ** 12n }),
      fc.integer({ min: 0, max: 4 }),
      fc.integer({ min: 0, max: 4 }),
      fc.integer({ min: 0, max: 3 }),
      (a, t, ka, kt, d) => {
        // actual = a ÷ 10^ka, target = t ÷ 10^kt; rate = a × 10^kt × 100 ÷ (t × 10^ka)
        const x = ind({ target: { fiscalYear: 2026, value: scaled(t, kt) }, values: [v(2023, scaled(a, ka))] });
        const got = indicatorProgress(x, 2023, { ...ratio, decimals: d }).rate;
        assert.equal(got, truncatedRate(a * 10n ** BigInt(kt), t * 10n ** BigInt(ka), d));
      },
    ),
  );
});

test('property: the baseline method is unchanged by scaling every value by 10^k', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
      fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
      fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
      fc.integer({ min: 1, max: 6 }),
      fc.constantFrom<ProgressRule['rounding']>('truncate', 'half-up'),
      (a, b, t, k, rounding) => {
        const rule: ProgressRule = { ...baseline, rounding, decimals: 2 };
        const at = (div: number) =>
          indicatorProgress(
            ind({
              baseline: { fiscalYear: 2020, value: scaled(b, div) },
              target: { fiscalYear: 2026, value: scaled(t, div) },
              values: [v(2023, scaled(a, div))],
            }),
            2023,
            rule,
          );
        const whole = at(0);
        const part = at(k);
        assert.deepEqual([part.rate, part.unrated], [whole.rate, whole.unrated]);
        if (t === b) assert.equal(whole.unrated, 'zero-denominator');
        else if ((a - b) * (t - b) >= 0n && rounding === 'truncate')
          assert.equal(whole.rate, truncatedRate(a - b < 0n ? b - a : a - b, t - b < 0n ? b - t : t - b, 2));
      },
    ),
  );
});
