// The columns of a plan's schedule: its fiscal years ("2024", 2024年度) or their quarters ("2024Q1",
// 2024年度 第1四半期). In the domain so that the database layer, the workbook and the views share one
// list; src/web/schedule-chart.ts re-exports it beside the chart.
import type { PlanInfo } from './model.ts';

export interface SchedulePeriod {
  id: string;
  label: string;
  labelEn: string;
}

/** The periods of the plan's schedule, first to last; a plan without a schedule gets its fiscal years. */
export function schedulePeriods(plan: Pick<PlanInfo, 'startFiscalYear' | 'endFiscalYear' | 'settings'>): SchedulePeriod[] {
  const out: SchedulePeriod[] = [];
  const quarters = plan.settings.schedule?.unit === 'quarter';
  for (let fy = plan.startFiscalYear; fy <= plan.endFiscalYear; fy++) {
    if (!quarters) {
      out.push({ id: String(fy), label: `${fy}年度`, labelEn: `FY${fy}` });
      continue;
    }
    for (let q = 1; q <= 4; q++) out.push({ id: `${fy}Q${q}`, label: `${fy}年度 第${q}四半期`, labelEn: `FY${fy} Q${q}` });
  }
  return out;
}
