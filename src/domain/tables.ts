// The two tables every edition prints: 計画の進捗状況 and KPIの達成状況. They are computed from the
// initiatives and KPIs on every read and never stored, so they cannot drift from the data.
import { progressRate, gradeFor } from './decimal.ts';
import type { EditionData, Kpi, ProgressRule, Status } from './model.ts';

export interface SummaryRow {
  pillarKey: string;
  pillarName: string;
  counts: Record<Status, number>;
  total: number;
}

export interface SummaryTable {
  rows: SummaryRow[];
  totals: Record<Status, number>;
  total: number;
}

function zeroCounts(): Record<Status, number> {
  return { completed: 0, in_progress: 0, new: 0, suspended: 0, not_started: 0 };
}

export function summaryTable(data: Pick<EditionData, 'pillars' | 'initiatives'>): SummaryTable {
  const rows: SummaryRow[] = data.pillars.map((p) => ({
    pillarKey: p.key,
    pillarName: p.name,
    counts: zeroCounts(),
    total: 0,
  }));
  const byKey = new Map(rows.map((r) => [r.pillarKey, r]));
  const totals = zeroCounts();
  let total = 0;
  for (const i of data.initiatives) {
    const row = byKey.get(i.pillarKey);
    if (!row) continue;
    row.counts[i.status]++;
    row.total++;
    totals[i.status]++;
    total++;
  }
  return { rows, totals, total };
}

export interface KpiCell {
  fiscalYear: number;
  actual: string | null;
  progressRate: string | null;
  grade: string | null;
}

export interface KpiRow {
  kpi: Kpi;
  pillarName: string;
  cells: KpiCell[];
  /** Progress of the latest year that has an actual. */
  latest: KpiCell | null;
}

export interface KpiTable {
  /** Actual-value columns, first to final fiscal year of the plan that the KPI table covers. */
  fiscalYears: number[];
  rows: KpiRow[];
}

export function kpiProgress(kpi: Kpi, actual: string, rule: ProgressRule): string | null {
  return progressRate(actual, kpi.target, rule, kpi.direction, kpi.baseline);
}

export function kpiTable(data: Pick<EditionData, 'pillars' | 'kpis' | 'plan'>, rule: ProgressRule = data.plan.settings.progress): KpiTable {
  const first = data.kpis.reduce((min, k) => Math.min(min, ...Object.keys(k.actuals).map(Number)), data.plan.startFiscalYear);
  const last = data.plan.endFiscalYear;
  const fiscalYears: number[] = [];
  for (let y = first; y <= last; y++) fiscalYears.push(y);
  const pillarName = new Map(data.pillars.map((p) => [p.key, p.name]));
  const rows = data.kpis.map((kpi) => {
    const cells = fiscalYears.map((fy): KpiCell => {
      const actual = kpi.actuals[String(fy)] ?? null;
      const rate = actual === null ? null : kpiProgress(kpi, actual, rule);
      return { fiscalYear: fy, actual, progressRate: rate, grade: rate === null ? null : gradeFor(rate, rule) };
    });
    const withValue = cells.filter((c) => c.actual !== null);
    return { kpi, pillarName: pillarName.get(kpi.pillarKey) ?? '', cells, latest: withValue.at(-1) ?? null };
  });
  return { fiscalYears, rows };
}
