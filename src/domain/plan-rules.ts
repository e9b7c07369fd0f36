// What a plan's settings impose on the rest of the product, as pure rules every path calls: the words a
// plan uses for its levels and initiatives, whether an initiative may have no department, and what a new
// period would leave outside it. The form, the workbook import, the plan-text import and the commands all
// ask these, so a rule holds the same everywhere.
import { DEFAULT_PLAN_SETTINGS, type PlanSettings } from './model.ts';

// ---- the plan's words ------------------------------------------------------------------------------------

export interface PlanTerms {
  /** The first grouping level (the pillar): 施策体系, 取組の柱. */
  pillar: string;
  /** The second grouping level (the sub-area), or null when the plan has one level. */
  subArea: string | null;
  /** One initiative: 施策, 取組項目. */
  initiative: string;
}

export function planTerms(settings: Partial<Pick<PlanSettings, 'levels' | 'initiativeName'>> = {}): PlanTerms {
  const levels = settings.levels?.length ? settings.levels : DEFAULT_PLAN_SETTINGS.levels;
  return { pillar: levels[0]!, subArea: levels[1] ?? null, initiative: settings.initiativeName || DEFAULT_PLAN_SETTINGS.initiativeName };
}

// ---- departments -------------------------------------------------------------------------------------------

/** Said wherever an initiative without a department is refused. */
export const DEPARTMENT_REQUIRED_MESSAGE = '担当課所を入力してください（この計画では担当課所が必須です）';

/**
 * Whether an initiative naming `departments` lacks the department its plan requires. Every path that
 * stores an initiative asks this: the forms, the spreadsheet import, the plan-text import.
 */
export function departmentMissing(settings: Pick<PlanSettings, 'departmentRequired'> | undefined, departments: readonly string[]): boolean {
  return (settings?.departmentRequired ?? DEFAULT_PLAN_SETTINGS.departmentRequired) && departments.length === 0;
}

// ---- the period -----------------------------------------------------------------------------------------------

export interface Period {
  from: number;
  to: number;
}

export function periodsOverlap(a: Period, b: Period): boolean {
  return a.from <= b.to && b.from <= a.to;
}

export function periodText(p: Period): string {
  return `${p.from}〜${p.to}年度`;
}

/** What the plan holds that is tied to a year: its editions, and its KPIs' target years. */
export interface Dated {
  editions: number[];
  kpis: { name: string; targetFiscalYear: number }[];
}

/** What a period would leave outside it, one phrase each ("2022年度版", "KPI「交付率」の目標年度 2026年度"). */
export function outsidePeriod(period: Period, dated: Dated): string[] {
  const out = (y: number) => y < period.from || y > period.to;
  return [
    ...dated.editions.filter(out).map((y) => `${y}年度版`),
    ...dated.kpis.filter((k) => out(k.targetFiscalYear)).map((k) => `KPI「${k.name}」の目標年度 ${k.targetFiscalYear}年度`),
  ];
}
