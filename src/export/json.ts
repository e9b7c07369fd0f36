// The edition as one JSON document: what `shisaku export json` prints and what the API and open-data
// downloads are consistent with. Computed tables are included, computed here, never read from storage.
import { STATUS_LABELS, statusLabel, type EditionData, type Status } from '../domain/model.ts';
import { kpiTable, summaryTable } from '../domain/tables.ts';
import { warekiFiscalYear } from '../domain/wareki.ts';

export const EXPORT_FORMAT_VERSION = 1;

export function editionToJson(data: EditionData) {
  const pillarName = new Map(data.pillars.map((p) => [p.key, p.name]));
  const subAreaName = new Map(data.pillars.flatMap((p) => p.subAreas.map((s) => [s.key, s.name] as const)));
  const summary = summaryTable(data);
  const kpis = kpiTable(data);
  const statusCounts = (c: Record<Status, number>) => Object.fromEntries(Object.keys(STATUS_LABELS).map((s) => [s, c[s as Status]]));
  return {
    formatVersion: EXPORT_FORMAT_VERSION,
    organization: { code: data.organization.code, name: data.organization.name },
    plan: {
      title: data.plan.title,
      startFiscalYear: data.plan.startFiscalYear,
      endFiscalYear: data.plan.endFiscalYear,
      progressRule: data.plan.settings.progress,
    },
    edition: {
      fiscalYear: data.edition.fiscalYear,
      wareki: warekiFiscalYear(data.edition.fiscalYear),
      title: data.edition.title,
      tagline: data.edition.tagline,
      state: data.edition.state,
      source: data.edition.source,
    },
    pillars: data.pillars.map((p) => ({ key: p.key, name: p.name, subAreas: p.subAreas.map((s) => ({ key: s.key, name: s.name })) })),
    initiatives: data.initiatives.map((i) => ({
      key: i.key,
      number: i.number,
      title: i.title,
      pillar: pillarName.get(i.pillarKey) ?? null,
      pillarKey: i.pillarKey,
      subArea: i.subAreaKey ? (subAreaName.get(i.subAreaKey) ?? null) : null,
      subAreaKey: i.subAreaKey,
      departments: i.departments,
      status: i.status,
      statusLabel: statusLabel(i.status),
      content: i.content,
      plan: i.plan,
      planTargets: i.planTargets,
      resultsFiscalYear: i.resultsFiscalYear,
      results: i.results.map((r) => ({ label: r.label, actual: r.actual, target: r.target, unit: r.unit, note: r.note, raw: r.raw })),
      // The printed 実績 text as a whole (value lines and prose); empty when the results are printed from the values.
      resultsText: i.resultsText,
    })),
    summaryTable: {
      rows: summary.rows.map((r) => ({ pillar: r.pillarName, pillarKey: r.pillarKey, counts: statusCounts(r.counts), total: r.total })),
      totals: statusCounts(summary.totals),
      total: summary.total,
    },
    kpis: kpis.rows.map((r) => ({
      key: r.kpi.key,
      name: r.kpi.name,
      pillar: r.pillarName,
      pillarKey: r.kpi.pillarKey,
      unit: r.kpi.unit,
      target: r.kpi.target,
      targetFiscalYear: r.kpi.targetFiscalYear,
      direction: r.kpi.direction,
      actuals: r.kpi.actuals,
      progress: Object.fromEntries(r.cells.filter((c) => c.progressRate !== null).map((c) => [String(c.fiscalYear), c.progressRate])),
      progressRate: r.latest?.progressRate ?? null,
      initiativeKey: r.kpi.initiativeKey,
    })),
    departments: data.departments,
  };
}

export type EditionJson = ReturnType<typeof editionToJson>;
