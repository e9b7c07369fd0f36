// The edition as one JSON document: what `shisaku export json` prints and what the API and open-data
// downloads are consistent with. Computed tables are included, computed here, never read from storage.
import { STATUS_LABELS, planFields, statusLabel, type EditionData, type FieldValue, type Initiative, type Status } from '../domain/model.ts';
import { kpiTable, summaryTable } from '../domain/tables.ts';
import { warekiFiscalYear } from '../domain/wareki.ts';
import { indicatorProgress, initiativeProgress } from '../domain/progress.ts';
import { initiativeGrade } from '../domain/grades.ts';
import { groupSummaries, type GroupSummary } from '../domain/group-summary.ts';
import { definitionOf } from '../domain/definition-yaml.ts';

export const EXPORT_FORMAT_VERSION = 1;

/**
 * The parts of an initiative that follow the plan's shape, each only where the initiative has it (so an
 * initiative of the sample's shape reads as before): its own sections by key, its indicators with each one's
 * computed progress as of the edition's year, its rate (the lowest), the grade where the plan publishes
 * grades (a hand-set grade with its reason and who set it), its schedule and milestones.
 */
function shapeJson(data: EditionData, i: Initiative) {
  const settings = data.plan.settings;
  const fy = data.edition.fiscalYear;
  const grade = settings.grades?.publish ? initiativeGrade(i, fy, settings) : null;
  // Every object written key by key: stored as jsonb, the parts come back with their keys reordered, and
  // the document should read the same whichever way the edition was loaded.
  const fields = i.fields
    ? orderedFields(
        i.fields,
        planFields(settings).map((f) => f.key),
      )
    : null;
  return {
    ...(fields ? { fields } : {}),
    ...(i.indicators
      ? {
          indicators: i.indicators.map((ind) => {
            const p = indicatorProgress(ind, fy, settings.progress);
            return {
              key: ind.key,
              name: ind.name,
              kind: ind.kind,
              unit: ind.unit,
              direction: ind.direction,
              cumulative: ind.cumulative,
              perYear: ind.perYear,
              baseline: ind.baseline ? { fiscalYear: ind.baseline.fiscalYear, value: ind.baseline.value } : null,
              target: ind.target ? { fiscalYear: ind.target.fiscalYear, value: ind.target.value } : null,
              qualitative: ind.qualitative,
              values: ind.values.map((v) => ({ fiscalYear: v.fiscalYear, target: v.target, actual: v.actual, achieved: v.achieved })),
              progress: {
                fiscalYear: p.fiscalYear,
                actual: p.actual,
                target: p.target,
                expected: p.expected,
                rate: p.rate,
                basis: p.basis,
                unrated: p.unrated,
              },
            };
          }),
          progressRate: initiativeProgress(i, fy, settings.progress).rate,
        }
      : {}),
    ...(grade ? { grade: { grade: grade.grade, label: grade.label, source: grade.source, rate: grade.rate, reason: grade.reason, by: grade.by } } : {}),
    ...(i.schedule ? { schedule: i.schedule.map((c) => ({ period: c.period, phase: c.phase })) } : {}),
    ...(i.milestones ? { milestones: i.milestones.map((m) => ({ date: m.date, label: m.label, done: m.done })) } : {}),
  };
}

/** The section values in the plan's order, then any key the plan no longer names, alphabetically. */
function orderedFields(fields: Record<string, FieldValue>, order: readonly string[]): Record<string, FieldValue> {
  const keys = [
    ...order.filter((k) => k in fields),
    ...Object.keys(fields)
      .filter((k) => !order.includes(k))
      .sort(),
  ];
  return Object.fromEntries(keys.map((k) => [k, fields[k]!]));
}

/** A group's counts without the grade counts the plan does not publish. */
function groupJson(g: GroupSummary, grades: boolean): GroupJson {
  return {
    key: g.key,
    name: g.name,
    level: g.level,
    total: g.total,
    byStatus: g.byStatus,
    ...(grades ? { byGrade: g.byGrade } : {}),
    children: g.children.map((c) => groupJson(c, grades)),
  };
}

export interface GroupJson {
  key: string;
  name: string;
  level: number;
  total: number;
  byStatus: Record<Status, number>;
  byGrade?: Record<string, number>;
  children: GroupJson[];
}

export function editionToJson(data: EditionData) {
  const pillarName = new Map(data.pillars.map((p) => [p.key, p.name]));
  const subAreaName = new Map(data.pillars.flatMap((p) => p.subAreas.map((s) => [s.key, s.name] as const)));
  const summary = summaryTable(data);
  const kpis = kpiTable(data);
  const statusCounts = (c: Record<Status, number>) => Object.fromEntries(Object.keys(STATUS_LABELS).map((s) => [s, c[s as Status]]));
  const publishGrades = data.plan.settings.grades?.publish === true;
  // Groups below the second level, and grade counts, only for plans that have them.
  const deep = data.plan.settings.levels.length > 2 || data.pillars.some((p) => p.subAreas.some((s) => s.parentKey !== undefined));
  const groups = deep || publishGrades ? groupSummaries(data) : null;
  const gradeCounts = (pillarKey: string | null) => {
    if (!publishGrades || !groups) return {};
    if (pillarKey !== null) return { byGrade: groups.find((g) => g.key === pillarKey)?.byGrade ?? {} };
    const total: Record<string, number> = {};
    for (const g of groups) for (const [k, n] of Object.entries(g.byGrade)) total[k] = (total[k] ?? 0) + n;
    return { byGrade: total };
  };
  return {
    formatVersion: EXPORT_FORMAT_VERSION,
    organization: { code: data.organization.code, name: data.organization.name },
    plan: {
      title: data.plan.title,
      startFiscalYear: data.plan.startFiscalYear,
      endFiscalYear: data.plan.endFiscalYear,
      progressRule: data.plan.settings.progress,
      // The plan's definition as plan.json holds it, so `import json` into an empty database rebuilds the
      // plan of the same shape (levels, sections, indicator kinds, grades, schedule).
      definition: definitionOf(data.organization, data.plan),
    },
    edition: {
      fiscalYear: data.edition.fiscalYear,
      wareki: warekiFiscalYear(data.edition.fiscalYear),
      title: data.edition.title,
      tagline: data.edition.tagline,
      lead: data.edition.lead,
      state: data.edition.state,
      source: data.edition.source,
    },
    pillars: data.pillars.map((p) => ({
      key: p.key,
      name: p.name,
      tagline: p.tagline,
      subAreas: p.subAreas.map((s) => ({ key: s.key, name: s.name, ...(s.parentKey !== undefined ? { parentKey: s.parentKey } : {}) })),
    })),
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
      ...shapeJson(data, i),
    })),
    summaryTable: {
      rows: summary.rows.map((r) => ({
        pillar: r.pillarName,
        pillarKey: r.pillarKey,
        counts: statusCounts(r.counts),
        total: r.total,
        ...gradeCounts(r.pillarKey),
      })),
      totals: statusCounts(summary.totals),
      total: summary.total,
      ...gradeCounts(null),
    },
    ...(deep && groups ? { groups: groups.map((g) => groupJson(g, publishGrades)) } : {}),
    kpis: kpis.rows.map((r) => ({
      key: r.kpi.key,
      name: r.kpi.name,
      pillar: r.pillarName,
      pillarKey: r.kpi.pillarKey,
      unit: r.kpi.unit,
      target: r.kpi.target,
      targetFiscalYear: r.kpi.targetFiscalYear,
      direction: r.kpi.direction,
      baseline: r.kpi.baseline,
      actuals: r.kpi.actuals,
      progress: Object.fromEntries(r.cells.filter((c) => c.progressRate !== null).map((c) => [String(c.fiscalYear), c.progressRate])),
      progressRate: r.latest?.progressRate ?? null,
      initiativeKey: r.kpi.initiativeKey,
    })),
    departments: data.departments,
  };
}

export type EditionJson = ReturnType<typeof editionToJson>;
