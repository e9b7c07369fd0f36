// The plan as the domain sees it: plain data, no I/O. Every importer produces an EditionData, every view,
// export and report consumes one. Numbers that people compare (actuals, targets, KPI values) are decimal
// strings ("11.2", "2682332") so that no binary float ever touches them; see decimal.ts.

import { DIRECTIONS, STATUSES, type Direction, type Status } from './enums.ts';

export type { Direction, Status };
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
   * One or two levels; the first is the pillar, the second (optional) the sub-area.
   */
  levels: string[];
  /** What one initiative is called in this plan (the sample: 施策; 取組項目 elsewhere). */
  initiativeName: string;
  /** Whether every initiative must name a responsible department (true) or may have none (false). */
  departmentRequired: boolean;
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

export interface SubArea {
  key: string;
  name: string;
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
}

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
