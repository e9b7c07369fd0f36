// Exact decimal arithmetic for everything a council member might recompute by hand. decimal.js works in
// base 10, so 11.2 / 23 × 100 is 48.695…, which truncates to 48.6 as the printed plan says, and never to
// the 48.7 a float-then-round path can produce.
import { Decimal } from 'decimal.js';
import type { Direction, ProgressRule } from './model.ts';

/** decimal.js with 40 significant digits, truncating: the one configuration every calculation shares. */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_DOWN });

/** Normalises a number as people type it (full-width digits, thousands separators) to a decimal string. */
export function normalizeNumber(text: string): string | null {
  const t = text.normalize('NFKC').replace(/[,\s]/g, '').replace(/^\+/, '');
  if (!/^-?(\d+(\.\d+)?|\.\d+)$/.test(t)) return null;
  return new D(t).toFixed();
}

export function isDecimal(text: string): boolean {
  return normalizeNumber(text) !== null;
}

export function compareDecimal(a: string, b: string): number {
  return new D(a).cmp(new D(b));
}

/**
 * Progress rate in percent, as a decimal string, rounded by the plan's rule.
 * higher: actual / target; lower with a baseline: (baseline − actual) / (baseline − target);
 * lower without one: target / actual.
 */
export function progressRate(
  actual: string,
  target: string,
  rule: ProgressRule,
  direction: Direction = 'higher',
  baseline: string | null = null,
): string | null {
  const a = new D(actual);
  const t = new D(target);
  let ratio: Decimal;
  if (direction === 'higher') {
    if (t.isZero()) return null;
    ratio = a.div(t);
  } else if (baseline !== null) {
    const b = new D(baseline);
    if (b.eq(t)) return null;
    ratio = b.minus(a).div(b.minus(t));
  } else {
    if (a.isZero()) return null;
    ratio = t.div(a);
  }
  let pct = ratio.times(100);
  if (rule.cap && pct.gt(100)) pct = new D(100);
  const mode = rule.rounding === 'truncate' ? Decimal.ROUND_DOWN : Decimal.ROUND_HALF_UP;
  return pct.toDecimalPlaces(rule.decimals, mode).toFixed(rule.decimals);
}

export function gradeFor(rate: string, rule: ProgressRule): string | null {
  const r = new D(rate);
  for (const band of rule.bands) if (r.gte(new D(band.min))) return band.grade;
  return null;
}

/** "2682332" → "2,682,332"; keeps the decimals as given. */
export function formatNumber(value: string): string {
  const [int, frac] = value.split('.');
  const neg = int!.startsWith('-');
  const digits = neg ? int!.slice(1) : int!;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + grouped + (frac !== undefined ? `.${frac}` : '');
}
