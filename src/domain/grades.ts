// The grade of an initiative (A–D style), computed from its indicators' progress or set by hand, by the
// plan's grade scale (PlanSettings.grades). A plan without a scale has no grades: every function here says
// so with null or an empty list.
//
// Computed: the initiative's rate (progress.ts: the lowest rate among its rated indicators, rounded by the
// plan's rule) is compared with the scale's steps from the first to the last; the first step whose `min`
// the rate reaches (≥) is the grade, and a rate below every min gets the last step. The cap of the rule is
// for printing only: the grade is judged on the rate before the cap, so a scale whose top step needs 110 %
// can be reached by a plan that prints rates capped at 100 %. Nothing to judge (no indicators, no actual,
// a qualitative target not judged): the scale's unrated grade.
//
// Manual: a grade set by hand (Initiative.grade) overrides the computed one, with its reason and who set
// it. The computed rate stays in the result, and gradeContradiction tells when the two disagree, so a
// reviewer sees a B given by hand to an initiative whose numbers say C.
import { Decimal } from 'decimal.js';
import { normalizeNumber } from './decimal.ts';
import type { GradeScale, Initiative, PlanSettings } from './model.ts';
import { capRate, initiativeProgress } from './progress.ts';

export interface GradeResult {
  grade: string;
  label: string;
  source: 'computed' | 'manual' | 'unrated';
  /** The initiative's rate as printed (the rule's rounding and cap), also for a manual grade; null when unrated. */
  rate: string | null;
  /** A manual grade's reason. */
  reason: string | null;
  /** Who set a manual grade. */
  by: string | null;
}

/** The step a rate earns: the first whose min it reaches, else the last; null for an empty scale. */
export function gradeForRate(scale: GradeScale, rate: string): { grade: string; label: string } | null {
  const r = new Decimal(rate);
  for (const step of scale.scale) {
    const min = normalizeNumber(step.min);
    if (min !== null && r.gte(min)) return { grade: step.grade, label: step.label };
  }
  const last = scale.scale.at(-1);
  return last ? { grade: last.grade, label: last.label } : null;
}

/** The rate a grade is judged on (uncapped) and the rate printed (capped by the rule), or null for none. */
function rates(i: Pick<Initiative, 'indicators'>, asOf: number, settings: PlanSettings): { judged: string; printed: string } | null {
  const rule = settings.progress;
  const judged = initiativeProgress(i, asOf, { ...rule, cap: false }).rate;
  return judged === null ? null : { judged, printed: capRate(judged, rule) };
}

function unrated(scale: GradeScale): GradeResult {
  return { grade: scale.unrated.grade, label: scale.unrated.label, source: 'unrated', rate: null, reason: null, by: null };
}

/** The grade the indicators earn; null when the plan has no grades. */
export function computedGrade(i: Pick<Initiative, 'indicators'>, asOf: number, settings: PlanSettings): GradeResult | null {
  const scale = settings.grades;
  if (!scale) return null;
  const r = rates(i, asOf, settings);
  const step = r === null ? null : gradeForRate(scale, r.judged);
  if (r === null || step === null) return unrated(scale);
  return { ...step, source: 'computed', rate: r.printed, reason: null, by: null };
}

/** The initiative's grade: the one set by hand where there is one, else the computed one; null when the plan has no grades. */
export function initiativeGrade(i: Pick<Initiative, 'indicators' | 'grade'>, asOf: number, settings: PlanSettings): GradeResult | null {
  const computed = computedGrade(i, asOf, settings);
  if (computed === null || !i.grade) return computed;
  return {
    grade: i.grade.grade,
    label: gradeLabel(settings, i.grade.grade) ?? '',
    source: 'manual',
    rate: computed.rate,
    reason: i.grade.reason,
    by: i.grade.by,
  };
}

/** What a grade means in the plan's scale (its unrated grade included); null for a grade the scale does not hold. */
export function gradeLabel(settings: PlanSettings, grade: string): string | null {
  const scale = settings.grades;
  if (!scale) return null;
  const step = scale.scale.find((s) => s.grade === grade);
  if (step) return step.label;
  return scale.unrated.grade === grade ? scale.unrated.label : null;
}

/** The grades one may choose, in order: the scale's steps, then the unrated grade; [] without grades. */
export function gradeChoices(settings: PlanSettings): { grade: string; label: string }[] {
  const scale = settings.grades;
  if (!scale) return [];
  const out = scale.scale.map((s) => ({ grade: s.grade, label: s.label }));
  if (!out.some((c) => c.grade === scale.unrated.grade)) out.push({ grade: scale.unrated.grade, label: scale.unrated.label });
  return out;
}

/** A grade set by hand that differs from the one the indicators earn (when they earn one), with the rate. */
export function gradeContradiction(
  i: Pick<Initiative, 'indicators' | 'grade'>,
  asOf: number,
  settings: PlanSettings,
): { manual: string; computed: string; rate: string } | null {
  if (!i.grade) return null;
  const computed = computedGrade(i, asOf, settings);
  if (computed === null || computed.source !== 'computed' || computed.rate === null) return null;
  return computed.grade === i.grade.grade ? null : { manual: i.grade.grade, computed: computed.grade, rate: computed.rate };
}
