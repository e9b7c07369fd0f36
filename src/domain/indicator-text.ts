// How an indicator's targets and values are printed, the same on the portal, in the report, the workbook
// and the CSV: "1,000人/年" for a rate per year, "75人（累計）" for a running total, "85%", a qualitative
// target in its own words, "—" where there is none.
import { formatNumber, normalizeNumber } from './decimal.ts';
import type { Indicator } from './model.ts';
import { targetFor } from './progress.ts';

/** "1,000人", "85%", "" for null. Text that is not a plain number (a stray note) is printed as it is. */
export function valueText(value: string | null, unit: string | null): string {
  if (value === null) return '';
  const shown = /^-?\d+(\.\d+)?$/.test(value) ? formatNumber(value) : value;
  return shown + (unit ?? '');
}

/** The final target, or, where only yearly targets are given, the target of the latest year that has one. */
function headlineTarget(ind: Indicator): string | null {
  if (ind.target) return normalizeNumber(ind.target.value) ?? ind.target.value;
  const yearly = [...ind.values].sort((a, b) => a.fiscalYear - b.fiscalYear).filter((v) => v.target !== null && v.target !== '');
  return yearly.at(-1)?.target ?? null;
}

/**
 * The target as printed: without a year the final target; with one, the target that applies to that year
 * (its own, else the final one, progress.ts targetFor). "—" when there is none.
 */
export function targetText(ind: Indicator, fiscalYear?: number): string {
  if (ind.qualitative != null) return ind.qualitative.trim() === '' ? '—' : ind.qualitative;
  const value = fiscalYear === undefined ? headlineTarget(ind) : targetFor(ind, fiscalYear);
  if (value === null) return '—';
  return valueText(value, ind.unit) + (ind.perYear ? '/年' : '') + (ind.cumulative ? '（累計）' : '');
}

/** The kind of target, for a column 目標の種類. */
export function targetKindLabel(ind: Indicator): string {
  if (ind.qualitative != null) return '定性';
  if (ind.perYear) return '年間';
  if (ind.cumulative) return '累計';
  return '数値';
}

export function targetKindLabelEn(ind: Indicator): string {
  if (ind.qualitative != null) return 'qualitative';
  if (ind.perYear) return 'per year';
  if (ind.cumulative) return 'cumulative';
  return 'numeric';
}
