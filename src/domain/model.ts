// The plan as the domain sees it: plain data, no I/O. Every importer produces an EditionData, every view,
// export and report consumes one. Numbers that people compare (actuals, targets, KPI values) are decimal
// strings ("11.2", "2682332") so that no binary float ever touches them; see decimal.ts.

import { DIRECTIONS, STATUSES, type Direction, type FieldType, type OnTrackCurve, type ProgressMethod, type ScheduleUnit, type Status } from './enums.ts';

export type { Direction, FieldType, OnTrackCurve, ProgressMethod, ScheduleUnit, Status };
export { DIRECTIONS };

/** Japanese labels as printed in the plan; the first label of each status is the canonical one. */
export const STATUS_LABELS: Record<Status, readonly string[]> = {
  completed: ['完了', '取組完了'],
  in_progress: ['実施中'],
  new: ['新規', '新規取組'],
  suspended: ['休止', '中止'],
  not_started: ['未着手'],
};
export const STATUS_ORDER = STATUSES;
export const STATUS_EN: Record<Status, string> = {
  completed: 'Completed',
  in_progress: 'In progress',
  new: 'New',
  suspended: 'Suspended',
  not_started: 'Not started',
};

export function statusLabel(s: Status): string {
  return STATUS_LABELS[s][0]!;
}

export function parseStatus(text: string): Status | null {
  const t = text.replace(/[\s*]/g, '');
  for (const s of STATUS_ORDER) if (STATUS_LABELS[s].includes(t)) return s;
  return null;
}

export type RoundingMode = 'truncate' | 'half-up';

/** A grade such as A (≥100 %), B (≥80 %); bands are checked from the first to the last. */
export interface GradeBand {
  grade: string;
  /** Minimum progress rate in percent, decimal string. */
  min: string;
}

export interface ProgressRule {
  /**
   * How an initiative's indicators measure progress (absent: ratio, the sample's rule). ratio: actual /
   * target; baseline: (actual − baseline) / (target − baseline); on-track: against the share of the target
   * expected by the year measured (see progress.ts).
   */
  method?: ProgressMethod;
  /** The expected path of the on-track method (absent: linear). */
  curve?: OnTrackCurve;
  rounding: RoundingMode;
  decimals: number;
  /** Cap the rate at 100 % when printing (the sample does not cap; 84.5 of 100 is 84.5). */
  cap: boolean;
  bands: GradeBand[];
}

export interface PlanSettings {
  progress: ProgressRule;
  /**
   * Names of the grouping levels above an initiative, outermost first: the sample's 施策体系 → 分野.
   * One to four levels; the first is the pillar, every deeper one a sub-area (SubArea.parentKey).
   */
  levels: string[];
  /** What one initiative is called in this plan (the sample: 施策; 取組項目 elsewhere). */
  initiativeName: string;
  /** Whether every initiative must name a responsible department (true) or may have none (false). */
  departmentRequired: boolean;
  /**
   * What one initiative holds, in order (absent: the sample's set, DEFAULT_FIELDS). The keys `content` and
   * `plan` are the sample's 施策内容 and 今年度の取組; any other key is the plan's own section.
   */
  fields?: FieldDef[];
  /** The kinds an initiative's indicators are sorted into (活動指標, 成果指標); absent or empty: none. */
  indicatorKinds?: string[];
  /** The grade scale an initiative is given from its indicators' progress, or by hand; absent: no grades. */
  grades?: GradeScale;
  /** A schedule per initiative over the plan's years; absent: none. */
  schedule?: ScheduleDef;
}

// ---- the plan's shape: sections, indicators, grades, schedules ---------------------------------------

/** One section of an initiative: its key (ASCII, stable), its label as printed, what it holds. */
export interface FieldDef {
  key: string;
  label: string;
  type: FieldType;
  /** The choices of a `select` field. */
  options?: string[];
}

/** The sections an initiative holds when the plan names none: the sample's, stored in their own columns. */
export const DEFAULT_FIELDS: readonly FieldDef[] = [
  { key: 'content', label: '施策内容', type: 'text' },
  { key: 'plan', label: '今年度の取組', type: 'text' },
];
/** Field keys that are columns of their own (Initiative.content, Initiative.plan) rather than Initiative.fields. */
export const BUILTIN_FIELD_KEYS: readonly string[] = ['content', 'plan'];

/**
 * The sections of a plan's initiatives, in order. Without its own list a plan holds the sample's two, the
 * first named after what the plan calls an initiative (施策内容, 取組項目内容), as the workbook has always said.
 */
export function planFields(settings: Pick<PlanSettings, 'fields'> & Partial<Pick<PlanSettings, 'initiativeName'>>): readonly FieldDef[] {
  if (settings.fields) return settings.fields;
  const n = settings.initiativeName?.trim() || DEFAULT_PLAN_SETTINGS.initiativeName;
  return n === DEFAULT_PLAN_SETTINGS.initiativeName ? DEFAULT_FIELDS : [{ ...DEFAULT_FIELDS[0]!, label: `${n}内容` }, DEFAULT_FIELDS[1]!];
}

/**
 * A stored field value: text, url, date (YYYY-MM-DD) and select as strings, money and number as decimal
 * strings, boolean as a boolean.
 */
export type FieldValue = string | boolean;

/** One step of a grade scale: the grade, what it means, and the lowest progress rate (percent, decimal string) that earns it. */
export interface GradeStep {
  grade: string;
  label: string;
  min: string;
}

export interface GradeScale {
  /** Tried from the first to the last; the first whose min the progress reaches is the grade. */
  scale: GradeStep[];
  /** Given when nothing can be judged: no actual yet, or a qualitative target not judged. */
  unrated: { grade: string; label: string };
  /** Whether the portal, report and API show the grades. */
  publish: boolean;
}

export interface ScheduleDef {
  unit: ScheduleUnit;
  /** The plan's phases, in order: 検討, 準備, 実施, 運用. */
  phases: string[];
  /** Whether initiatives carry dated milestones. */
  milestones: boolean;
}

/** A value of an indicator in one fiscal year: its target, its actual, and for a qualitative target whether it was achieved. */
export interface IndicatorValue {
  fiscalYear: number;
  target: string | null;
  actual: string | null;
  /** Qualitative targets only: met (true), not met (false), not judged (null). */
  achieved: boolean | null;
}

/** An indicator of one initiative (活動指標 / 成果指標): what is measured and its targets and actuals by year. */
export interface Indicator {
  /** Stable within the initiative, so a renamed indicator keeps its values. */
  key: string;
  name: string;
  /** One of the plan's indicatorKinds, or null. */
  kind: string | null;
  unit: string | null;
  direction: Direction;
  /** Values are running totals since the baseline ("75人（累計）"). */
  cumulative: boolean;
  /** The target is a rate per year ("1,000人/年"): each year's target stands alone. */
  perYear: boolean;
  baseline: { fiscalYear: number; value: string } | null;
  /** The final target, or null where only yearly targets (or a qualitative one) are given. */
  target: { fiscalYear: number; value: string } | null;
  /** A target in words ("行動規範の制定"), judged by `achieved`; null for a numeric indicator. */
  qualitative: string | null;
  /** By fiscal year, ascending, one entry per year at most. */
  values: IndicatorValue[];
}

/** A grade set by hand (overriding the computed one), with who set it and why. */
export interface ManualGrade {
  grade: string;
  reason: string;
  by: string | null;
}

/** One cell of a schedule: the phase an initiative is in during a period ("2024", or "2024Q1" for quarters). */
export interface ScheduleCell {
  period: string;
  phase: string;
}

export interface Milestone {
  /** YYYY-MM-DD, or YYYY-MM where only the month is planned. */
  date: string;
  label: string;
  done: boolean;
}

export const DEFAULT_PLAN_SETTINGS: PlanSettings = {
  progress: {
    rounding: 'truncate',
    decimals: 1,
    cap: false,
    bands: [
      { grade: 'A', min: '100' },
      { grade: 'B', min: '80' },
      { grade: 'C', min: '50' },
      { grade: 'D', min: '0' },
    ],
  },
  levels: ['施策体系', '分野'],
  initiativeName: '施策',
  departmentRequired: true,
};

export interface Organization {
  /** 6-digit 全国地方公共団体コード including its check digit, e.g. 082023. */
  code: string;
  name: string;
}

export interface PlanInfo {
  title: string;
  /** First and last fiscal year of the plan, e.g. 2022–2026 (R4–R8). */
  startFiscalYear: number;
  endFiscalYear: number;
  settings: PlanSettings;
}

export interface EditionInfo {
  fiscalYear: number;
  title: string;
  tagline: string | null;
  lead: string | null;
  /** Where the data came from, shown wherever the data are shown (e.g. "出典: 日立市 …"). */
  source: string | null;
  state: 'draft' | 'published';
}

/**
 * A group below the pillar: the second grouping level, or, in a plan of three or four levels, a group
 * inside another sub-area (`parentKey`). Absent parentKey: directly under its pillar (level 2).
 */
export interface SubArea {
  key: string;
  name: string;
  parentKey?: string;
}

export interface Pillar {
  key: string;
  name: string;
  /** The catch copy printed on the pillar's title page. */
  tagline: string | null;
  subAreas: SubArea[];
}

/** A measured value, "actual (target)" in the sample. */
export interface Result {
  label: string;
  actual: string | null;
  target: string | null;
  unit: string | null;
  note: string | null;
  /** The text exactly as the source printed it. */
  raw: string;
}

/** A numeric target of this year's plan, e.g. "マイナンバーカード交付率 85%". */
export interface PlanTarget {
  label: string;
  value: string | null;
  unit: string | null;
  raw: string;
}

export interface Initiative {
  /** Stable identity across editions; never changes when the initiative is renumbered. */
  key: string;
  /** "01".."97", or null for an initiative printed as 新. */
  number: string | null;
  title: string;
  pillarKey: string;
  /** The deepest group the initiative sits in below its pillar (any level from the second), or null: directly under the pillar. */
  subAreaKey: string | null;
  departments: string[];
  status: Status;
  content: string;
  plan: string;
  planTargets: PlanTarget[];
  /**
   * Fiscal year the results describe (the year before the edition in the sample); null where no source
   * says which year, so none is ever made up.
   */
  resultsFiscalYear: number | null;
  results: Result[];
  /** The whole 実績 block as printed, so nothing the source said is lost. */
  resultsText: string;
  // The plan's shape, each absent when empty (so a plan of the sample's shape reads and exports as before):
  /** Values of the plan's own sections (planFields other than content and plan), by field key. */
  fields?: Record<string, FieldValue>;
  indicators?: Indicator[];
  /** A grade set by hand; absent: the grade is computed from the indicators (grades.ts). */
  grade?: ManualGrade;
  schedule?: ScheduleCell[];
  milestones?: Milestone[];
}

/** The parts of an initiative that follow the plan's shape; each absent when empty. */
export const SHAPE_KEYS = ['fields', 'indicators', 'grade', 'schedule', 'milestones'] as const;
export type ShapeKey = (typeof SHAPE_KEYS)[number];

export interface Kpi {
  key: string;
  name: string;
  pillarKey: string;
  unit: string | null;
  /** Final-year target, decimal string. */
  target: string;
  targetFiscalYear: number;
  direction: Direction;
  /** Baseline for "lower is better" or cumulative indicators; null means progress = actual / target. */
  baseline: string | null;
  actuals: Record<string, string>;
  /** Stable key of the initiative this KPI measures, where there is one. */
  initiativeKey: string | null;
}

export interface Department {
  name: string;
  aliases: string[];
}

export interface EditionData {
  organization: Organization;
  plan: PlanInfo;
  edition: EditionInfo;
  pillars: Pillar[];
  initiatives: Initiative[];
  kpis: Kpi[];
  departments: Department[];
}

export function initiativeLabel(i: Pick<Initiative, 'number'>): string {
  return i.number ?? '新';
}
