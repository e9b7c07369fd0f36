// Charts rendered on the server by echarts to SVG, served as images (<img> cannot run script, and the
// CSP stays strict). Every chart has the same data as a table on its page.
import * as echarts from 'echarts';
import type { KpiRow, SummaryTable } from '../domain/tables.ts';
import { STATUS_ORDER, type Status } from '../domain/model.ts';

const COLORS: Record<Status, string> = {
  completed: '#197a4b',
  in_progress: '#0017c1',
  new: '#c74700',
  suspended: '#666666',
  not_started: '#949494',
};

function render(width: number, height: number, option: echarts.EChartsCoreOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'Noto Sans CJK JP, Noto Sans JP, sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function statusMixSvg(summary: SummaryTable, statusName: (s: Status) => string): string {
  const used = STATUS_ORDER.filter((s) => summary.totals[s] > 0);
  return render(720, 60 + summary.rows.length * 48, {
    grid: { left: 200, right: 24, top: 40, bottom: 24 },
    legend: { top: 4, data: used.map(statusName) },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: summary.rows.map((r) => r.pillarName), axisLabel: { interval: 0, width: 180, overflow: 'truncate' } },
    series: used.map((s) => ({
      name: statusName(s),
      type: 'bar',
      stack: 'total',
      itemStyle: { color: COLORS[s] },
      label: { show: true, color: '#fff', formatter: (p: { value: number }) => (p.value ? String(p.value) : '') },
      data: summary.rows.map((r) => r.counts[s]),
    })),
  });
}

export function kpiTrendSvg(row: KpiRow, labels: { actual: string; target: string; year: (fy: number) => string }): string {
  const years = row.cells.map((c) => labels.year(c.fiscalYear));
  return render(720, 320, {
    grid: { left: 80, right: 32, top: 48, bottom: 40 },
    legend: { top: 4, data: [labels.actual, labels.target] },
    xAxis: { type: 'category', data: years, axisLabel: { interval: 0 } },
    yAxis: { type: 'value', name: row.kpi.unit ?? '' },
    series: [
      {
        name: labels.actual,
        type: 'line',
        connectNulls: false,
        symbolSize: 10,
        itemStyle: { color: '#0017c1' },
        label: { show: true },
        data: row.cells.map((c) => (c.actual === null ? null : Number(c.actual))),
      },
      {
        name: labels.target,
        type: 'line',
        lineStyle: { type: 'dashed', color: '#c74700' },
        itemStyle: { color: '#c74700' },
        symbol: 'none',
        data: row.cells.map(() => Number(row.kpi.target)),
      },
    ],
  });
}
