// The progress of an initiative's indicators, in exact decimals (decimal.js, never binary floats), by the
// plan's progress rule. This is the product's documented rule; a council member can recompute every rate
// by hand from it:
//
// The year measured (Y): the latest fiscal year ≤ asOf that has an actual (a qualitative indicator: a
//   judgement, achieved true or false). None: unrated 'no-actual' ('not-judged' for a qualitative one).
//
// The target for Y: the value's own target for Y where it is set; else, for a per-year indicator, the final
//   target's value (a rate per year applies to every year); else the final target (Indicator.target),
//   whatever its year: a target year not yet reached is measured against the final target by ratio and
//   baseline; on-track is the method that allows for the time elapsed. No target: unrated 'no-target'.
//
// The method (ProgressRule.method, absent = ratio):
//   ratio     higher is better: actual ÷ target; lower is better: target ÷ actual.
//   baseline  (actual − baseline) ÷ (target − baseline). Lower is better works unchanged: both differences
//             are negative. Without a baseline: ratio.
//   on-track  (as Open SDG's progress measure) measured against the value expected by Y on the way from the
//             baseline (year b) to the final target (year F):
//               linear  expected(Y) = baseline + (final − baseline) × (Y − b) ÷ (F − b)
//               growth  expected(Y) = baseline × (final ÷ baseline) ^ ((Y − b) ÷ (F − b))
//                       (needs baseline > 0 and final > 0; otherwise linear)
//             Y at or after F expects the final target, Y at or before b expects the baseline. A target set
//             for Y itself, and the target of a per-year indicator (a rate per year, no path over the
//             years), is the value expected by Y.
//             rate = (actual − baseline) ÷ (expected − baseline).
//             Without a baseline or a final target: baseline (or ratio without a baseline).
//   Cumulative indicators hold running totals and are compared as they are; per-year ones each year alone.
//
// A zero denominator (a target of 0, an actual of 0 where lower is better, a target or expected value equal
// to the baseline): unrated 'zero-denominator'.
//
// Qualitative indicators (Indicator.qualitative set): achieved → 100, not achieved → 0, not judged →
//   unrated 'not-judged'.
//
// The rate is in percent: rounded by the rule (truncate or half-up to `decimals` places), capped at 100
// where `cap` is set. The rate of an initiative is the lowest rate among its rated indicators: every target
// is met at least that far.
//
// Division is the last step wherever it can be, so an exact quotient (125, 48.6…) is exact at 40 digits and
// truncation never falls on the wrong side of a boundary; the one transcendental step (growth's power) is
// snapped to 30 significant digits, so 8^(1/3) is 2, not 1.999….
import { Decimal } from 'decimal.js';
import { D, normalizeNumber } from './decimal.ts';
import type { Indicator, Initiative, ProgressRule } from './model.ts';

export interface IndicatorProgress {
  /** The year measured: the latest year ≤ asOf with an actual (or, qualitative, a judgement); null when none. */
  fiscalYear: number | null;
  actual: string | null;
  /** The target compared against (for on-track, the final target); where nothing is measured, the final target. */
  target: string | null;
  /** on-track: the value expected by fiscalYear; null for the other methods. */
  expected: string | null;
  /** Percent, rounded by the rule, a decimal string like "48.6". */
  rate: string | null;
  basis: 'ratio' | 'baseline' | 'on-track' | 'qualitative';
  unrated: null | 'no-actual' | 'no-target' | 'not-judged' | 'zero-denominator';
}

export type ProgressBasis = IndicatorProgress['basis'];

/** A number as stored (or typed: "1,000", full-width digits), or null for an absent or unreadable one. */
function num(text: string | null | undefined): Decimal | null {
  if (text === null || text === undefined) return null;
  const n = normalizeNumber(text);
  return n === null ? null : new D(n);
}

/** A percentage rounded by the rule and capped at 100 where the rule caps. */
export function roundRate(pct: Decimal.Value, rule: Pick<ProgressRule, 'rounding' | 'decimals' | 'cap'>): string {
  let p = new D(pct);
  if (rule.cap && p.gt(100)) p = new D(100);
  const mode = rule.rounding === 'truncate' ? Decimal.ROUND_DOWN : Decimal.ROUND_HALF_UP;
  return p.toDecimalPlaces(rule.decimals, mode).toFixed(rule.decimals);
}

/** A rounded rate with the cap applied afterwards (equal to capping first: 100 is exact at any decimals). */
export function capRate(rate: string, rule: Pick<ProgressRule, 'decimals' | 'cap'>): string {
  return rule.cap && new D(rate).gt(100) ? new D(100).toFixed(rule.decimals) : rate;
}

/** Compares two rates (decimal strings). */
export function compareRate(a: string, b: string): number {
  return new D(a).cmp(new D(b));
}

/** The lowest of some rates, or null for none. */
export function lowestRate(rates: readonly (string | null)[]): string | null {
  let low: string | null = null;
  for (const r of rates) if (r !== null && (low === null || compareRate(r, low) < 0)) low = r;
  return low;
}

/** The values of an indicator in year order (stored ascending, sorted again so bad input cannot mislead). */
function byYear(ind: Indicator) {
  return [...ind.values].sort((a, b) => a.fiscalYear - b.fiscalYear);
}

/** The final target's value, when it is a number. */
function finalTarget(ind: Indicator): string | null {
  return ind.target ? normalizeNumber(ind.target.value) : null;
}

/**
 * The target that applies to a fiscal year: the year's own target, else the final target (for a per-year
 * indicator because a rate per year applies to every year, for the others whatever its year). Null for a
 * qualitative indicator or where none is set.
 */
export function targetFor(ind: Indicator, fiscalYear: number): string | null {
  if (ind.qualitative != null) return null;
  const own = ind.values.find((v) => v.fiscalYear === fiscalYear)?.target;
  const ownValue = own === null || own === undefined ? null : normalizeNumber(own);
  return ownValue ?? finalTarget(ind);
}

/** The method that applies to an indicator under the rule, after the fallbacks (on-track → baseline → ratio). */
export function progressBasis(ind: Indicator, rule: Pick<ProgressRule, 'method'>): ProgressBasis {
  if (ind.qualitative != null) return 'qualitative';
  const method = rule.method ?? 'ratio';
  const hasBaseline = ind.baseline !== null && num(ind.baseline.value) !== null;
  if (method === 'on-track' && hasBaseline && finalTarget(ind) !== null) return 'on-track';
  if (method !== 'ratio' && hasBaseline) return 'baseline';
  return 'ratio';
}

/** Decimal places of a decimal string ("12.50" → 2). */
function places(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** The growth path's power, snapped to 30 significant digits (see the header). */
function growthFactor(ratio: Decimal, exponent: Decimal): Decimal {
  return ratio.pow(exponent).toSignificantDigits(30, Decimal.ROUND_HALF_UP);
}

export function indicatorProgress(ind: Indicator, asOf: number, rule: ProgressRule): IndicatorProgress {
  const values = byYear(ind);
  const basis = progressBasis(ind, rule);
  const none = { fiscalYear: null, actual: null, target: null, expected: null, rate: null, basis } as const;

  if (basis === 'qualitative') {
    const judged = values.filter((v) => v.fiscalYear <= asOf && v.achieved !== null).at(-1);
    if (!judged) return { ...none, unrated: 'not-judged' };
    return { ...none, fiscalYear: judged.fiscalYear, rate: new D(judged.achieved ? 100 : 0).toFixed(rule.decimals), unrated: null };
  }

  const measured = values.filter((v) => v.fiscalYear <= asOf && num(v.actual) !== null).at(-1);
  if (!measured) return { ...none, target: finalTarget(ind), unrated: 'no-actual' };
  const y = measured.fiscalYear;
  const actualText = normalizeNumber(measured.actual!)!;
  const a = new D(actualText);
  const targetText = targetFor(ind, y);
  const at = { fiscalYear: y, actual: actualText, target: targetText, expected: null, basis } as const;
  if (targetText === null) return { ...at, rate: null, unrated: 'no-target' };
  const t = new D(targetText);
  const rated = (numerator: Decimal, denominator: Decimal, expected: string | null = null): IndicatorProgress =>
    denominator.isZero()
      ? { ...at, expected, rate: null, unrated: 'zero-denominator' }
      : { ...at, expected, rate: roundRate(numerator.times(100).div(denominator), rule), unrated: null };

  if (basis === 'ratio') return ind.direction === 'lower' ? rated(t, a) : rated(a, t);
  const b = new D(normalizeNumber(ind.baseline!.value)!);
  if (basis === 'baseline') return rated(a.minus(b), t.minus(b));

  // on-track
  const finalText = finalTarget(ind)!;
  const final = new D(finalText);
  const own = values.find((v) => v.fiscalYear === y)?.target;
  const ownTarget = own === null || own === undefined ? null : normalizeNumber(own);
  const target = { target: finalText };
  const onTrack = (numerator: Decimal, denominator: Decimal, expected: string): IndicatorProgress => ({
    ...rated(numerator, denominator, expected),
    ...target,
  });
  if (ownTarget !== null || ind.perYear) {
    // The plan says what it expects this year: the year's own target, or the per-year rate.
    const e = ownTarget ?? finalText;
    return onTrack(a.minus(b), new D(e).minus(b), e);
  }
  const by = ind.baseline!.fiscalYear;
  const fy = ind.target!.fiscalYear;
  const shown = (e: Decimal) => e.toDecimalPlaces(Math.max(places(b.toFixed()), places(finalText)) + 2, Decimal.ROUND_HALF_UP).toFixed();
  if (y >= fy) return onTrack(a.minus(b), final.minus(b), finalText);
  if (y <= by) return onTrack(a.minus(b), new D(0), b.toFixed());
  const elapsed = new D(y - by);
  const span = new D(fy - by);
  if (rule.curve === 'growth' && b.gt(0) && final.gt(0)) {
    const e = b.times(growthFactor(final.div(b), elapsed.div(span)));
    return onTrack(a.minus(b), e.minus(b), shown(e));
  }
  // Linear: expected − baseline = (final − baseline) × elapsed ÷ span; the rate divides once, at the end.
  const e = b.plus(final.minus(b).times(elapsed).div(span));
  return onTrack(a.minus(b).times(span), final.minus(b).times(elapsed), shown(e));
}

/**
 * The progress of an initiative: each indicator's, and the lowest rate among the rated ones (every target
 * met at least that far); null when none is rated.
 */
export function initiativeProgress(
  i: Pick<Initiative, 'indicators'>,
  asOf: number,
  rule: ProgressRule,
): { rate: string | null; indicators: IndicatorProgress[] } {
  const indicators = (i.indicators ?? []).map((ind) => indicatorProgress(ind, asOf, rule));
  return { rate: lowestRate(indicators.map((p) => p.rate)), indicators };
}
