// Editions out of the database as domain objects (loadEdition, loadEditionById), the parts they are
// built from (initiative-years, KPIs, departments), listings, names, an initiative's history and the
// edition stamp. Kept apart from the whole-edition write in repository.ts, which many more read than write.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.ts';
import * as t from './schema.ts';
import {
  DEFAULT_PLAN_SETTINGS,
  type Department,
  type EditionData,
  type Initiative,
  type Kpi,
  type Organization,
  type Pillar,
  type Status,
  type SubArea,
} from '../domain/model.ts';
import { withShape } from '../domain/shape.ts';

export interface EditionRef {
  organizationId: number;
  organization: Organization;
  planId: number;
  editionId: number;
}

export async function findEdition(db: DbOrTx, orgCode: string, fiscalYear: number): Promise<EditionRef | null> {
  const [row] = await db
    .select({
      organizationId: t.organizations.id,
      code: t.organizations.code,
      name: t.organizations.name,
      planId: t.plans.id,
      editionId: t.editions.id,
    })
    .from(t.editions)
    .innerJoin(t.plans, eq(t.plans.id, t.editions.planId))
    .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
    .where(and(eq(t.organizations.code, orgCode), eq(t.editions.fiscalYear, fiscalYear)))
    .orderBy(asc(t.plans.startFiscalYear))
    .limit(1);
  if (!row) return null;
  return {
    organizationId: row.organizationId,
    organization: { code: row.code, name: row.name },
    planId: row.planId,
    editionId: row.editionId,
  };
}

export async function loadEdition(db: DbOrTx, orgCode: string, fiscalYear: number): Promise<EditionData | null> {
  const ref = await findEdition(db, orgCode, fiscalYear);
  if (!ref) return null;
  return loadEditionById(db, ref);
}

export async function loadEditionById(db: DbOrTx, ref: EditionRef): Promise<EditionData> {
  const [plan] = await db.select().from(t.plans).where(eq(t.plans.id, ref.planId));
  const [edition] = await db.select().from(t.editions).where(eq(t.editions.id, ref.editionId));
  const pillarRows = await db.select().from(t.pillars).where(eq(t.pillars.editionId, ref.editionId)).orderBy(asc(t.pillars.position));
  const subAreaRows = pillarRows.length
    ? await db
        .select()
        .from(t.subAreas)
        .where(
          inArray(
            t.subAreas.pillarId,
            pillarRows.map((p) => p.id),
          ),
        )
        .orderBy(asc(t.subAreas.position))
    : [];
  const pillars: Pillar[] = pillarRows.map((p) => ({
    key: p.key,
    name: p.name,
    tagline: p.tagline,
    subAreas: subAreaRows.filter((s) => s.pillarId === p.id).map((s) => subAreaOf(s, subAreaRows)),
  }));
  const initiatives = await loadInitiativeYears(db, eq(t.initiativeYears.editionId, ref.editionId));
  const kpis = await loadKpis(db, ref.planId);
  const departments = await loadDepartments(db, ref.organizationId);
  return {
    organization: ref.organization,
    plan: {
      title: plan!.title,
      startFiscalYear: plan!.startFiscalYear,
      endFiscalYear: plan!.endFiscalYear,
      settings: { ...DEFAULT_PLAN_SETTINGS, ...plan!.settings },
    },
    edition: {
      fiscalYear: edition!.fiscalYear,
      title: edition!.title,
      tagline: edition!.tagline,
      lead: edition!.lead,
      source: edition!.source,
      state: edition!.state,
    },
    pillars,
    initiatives: initiatives.map((r) => r.initiative),
    kpis,
    departments,
  };
}

/** A stored sub-area as the domain sees it: its parent (in a plan of three or four levels) named by key. */
function subAreaOf(s: typeof t.subAreas.$inferSelect, all: readonly (typeof t.subAreas.$inferSelect)[]): SubArea {
  const parent = s.parentId === null ? undefined : all.find((x) => x.id === s.parentId);
  return parent ? { key: s.key, name: s.name, parentKey: parent.key } : { key: s.key, name: s.name };
}

export interface InitiativeYearRow {
  id: number;
  editionId: number;
  version: number;
  initiative: Initiative;
}

/** Initiative-years matching `where`, in print order, with their departments, results and targets. */
export async function loadInitiativeYears(db: DbOrTx, where: ReturnType<typeof eq>): Promise<InitiativeYearRow[]> {
  const rows = await db
    .select({
      id: t.initiativeYears.id,
      editionId: t.initiativeYears.editionId,
      version: t.initiativeYears.version,
      key: t.initiatives.key,
      number: t.initiativeYears.number,
      title: t.initiativeYears.title,
      pillarKey: t.pillars.key,
      subAreaKey: t.subAreas.key,
      status: t.initiativeYears.status,
      content: t.initiativeYears.content,
      plan: t.initiativeYears.plan,
      resultsFiscalYear: t.initiativeYears.resultsFiscalYear,
      resultsText: t.initiativeYears.resultsText,
      fields: t.initiativeYears.fields,
      indicators: t.initiativeYears.indicators,
      grade: t.initiativeYears.grade,
      schedule: t.initiativeYears.schedule,
      milestones: t.initiativeYears.milestones,
    })
    .from(t.initiativeYears)
    .innerJoin(t.initiatives, eq(t.initiatives.id, t.initiativeYears.initiativeId))
    .innerJoin(t.pillars, eq(t.pillars.id, t.initiativeYears.pillarId))
    .leftJoin(t.subAreas, eq(t.subAreas.id, t.initiativeYears.subAreaId))
    .where(where)
    .orderBy(asc(t.initiativeYears.editionId), asc(t.initiativeYears.position));
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // One after another: `db` may be a transaction, whose one connection takes one query at a time (pg
  // warns about overlapping queries on a client and will refuse them in pg 9).
  const deptRows = await db
    .select({ iy: t.initiativeDepartments.initiativeYearId, name: t.departments.name })
    .from(t.initiativeDepartments)
    .innerJoin(t.departments, eq(t.departments.id, t.initiativeDepartments.departmentId))
    .where(inArray(t.initiativeDepartments.initiativeYearId, ids))
    .orderBy(asc(t.initiativeDepartments.initiativeYearId), asc(t.initiativeDepartments.position));
  const resultRows = await db
    .select()
    .from(t.results)
    .where(inArray(t.results.initiativeYearId, ids))
    .orderBy(asc(t.results.initiativeYearId), asc(t.results.position));
  const targetRows = await db
    .select()
    .from(t.planTargets)
    .where(inArray(t.planTargets.initiativeYearId, ids))
    .orderBy(asc(t.planTargets.initiativeYearId), asc(t.planTargets.position));
  const group = <R extends { iy?: number; initiativeYearId?: number }>(list: R[], id: (r: R) => number) => {
    const m = new Map<number, R[]>();
    for (const r of list) {
      const k = id(r);
      let arr = m.get(k);
      if (!arr) m.set(k, (arr = []));
      arr.push(r);
    }
    return m;
  };
  const depts = group(deptRows, (r) => r.iy);
  const res = group(resultRows, (r) => r.initiativeYearId);
  const tgts = group(targetRows, (r) => r.initiativeYearId);
  return rows.map((r) => ({
    id: r.id,
    editionId: r.editionId,
    version: r.version,
    initiative: withShape({
      key: r.key,
      number: r.number,
      title: r.title,
      pillarKey: r.pillarKey,
      subAreaKey: r.subAreaKey,
      departments: (depts.get(r.id) ?? []).map((d) => d.name),
      status: r.status as Status,
      content: r.content,
      plan: r.plan,
      planTargets: (tgts.get(r.id) ?? []).map((p) => ({ label: p.label, value: p.value, unit: p.unit, raw: p.raw })),
      resultsFiscalYear: r.resultsFiscalYear,
      results: (res.get(r.id) ?? []).map((x) => ({
        label: x.label,
        actual: x.actual,
        target: x.target,
        unit: x.unit,
        note: x.note,
        raw: x.raw,
      })),
      resultsText: r.resultsText,
      fields: r.fields,
      indicators: r.indicators,
      grade: r.grade ?? undefined,
      schedule: r.schedule,
      milestones: r.milestones,
    }),
  }));
}

export async function loadKpis(db: DbOrTx, planId: number): Promise<Kpi[]> {
  const rows = await db.select().from(t.kpis).where(eq(t.kpis.planId, planId)).orderBy(asc(t.kpis.position));
  if (rows.length === 0) return [];
  const actuals = await db
    .select()
    .from(t.kpiActuals)
    .where(
      inArray(
        t.kpiActuals.kpiId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(t.kpiActuals.fiscalYear));
  return rows.map((k) => ({
    key: k.key,
    name: k.name,
    pillarKey: k.pillarKey,
    unit: k.unit,
    target: k.target,
    targetFiscalYear: k.targetFiscalYear,
    direction: k.direction,
    baseline: k.baseline,
    initiativeKey: k.initiativeKey,
    actuals: Object.fromEntries(actuals.filter((a) => a.kpiId === k.id).map((a) => [String(a.fiscalYear), a.value])),
  }));
}

export async function loadDepartments(db: DbOrTx, organizationId: number): Promise<Department[]> {
  const rows = await db
    .select({ id: t.departments.id, name: t.departments.name })
    .from(t.departments)
    .where(eq(t.departments.organizationId, organizationId))
    .orderBy(asc(t.departments.id));
  const aliases = await db
    .select({ departmentId: t.departmentAliases.departmentId, alias: t.departmentAliases.alias })
    .from(t.departmentAliases)
    .where(eq(t.departmentAliases.organizationId, organizationId))
    .orderBy(asc(t.departmentAliases.id));
  return rows.map((d) => ({
    name: d.name,
    aliases: aliases.filter((a) => a.departmentId === d.id).map((a) => a.alias),
  }));
}

/**
 * A value that changes whenever anything shown for the edition changes: its own rows (editions.version,
 * bumped by every write), the plan's KPIs and settings (plans.version) and department names
 * (organizations.version). Cheap enough to ask on every request; use it for caches and ETags.
 */
export async function editionStamp(db: DbOrTx, orgCode: string, fiscalYear: number): Promise<string | null> {
  const [row] = await db
    .select({
      e: t.editions.id,
      ev: t.editions.version,
      eu: t.editions.updatedAt,
      pv: t.plans.version,
      pu: t.plans.updatedAt,
      ov: t.organizations.version,
      // Pages of one edition show the others (an initiative's history), so any edition's write counts.
      all: sql<string>`(select coalesce(sum(e2.version), 0) || '-' || count(*) from editions e2 where e2.plan_id = ${t.plans.id})`,
    })
    .from(t.editions)
    .innerJoin(t.plans, eq(t.plans.id, t.editions.planId))
    .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
    .where(and(eq(t.organizations.code, orgCode), eq(t.editions.fiscalYear, fiscalYear)))
    .limit(1);
  // Update times make the stamp unique across databases too (two fresh ones share ids and versions).
  return row ? `${row.e}.${row.ev}.${row.pv}.${row.ov}.${row.all}.${new Date(row.eu).getTime().toString(36)}${new Date(row.pu).getTime().toString(36)}` : null;
}

export async function listOrganizations(db: DbOrTx): Promise<Organization[]> {
  return db.select({ code: t.organizations.code, name: t.organizations.name }).from(t.organizations).orderBy(asc(t.organizations.code));
}

export interface EditionSummary {
  fiscalYear: number;
  title: string;
  state: 'draft' | 'published';
  planTitle: string;
  planStartFiscalYear: number;
  planEndFiscalYear: number;
}

/** Newest first, so the current edition leads. */
export async function listEditions(db: DbOrTx, orgCode: string): Promise<EditionSummary[]> {
  const rows = await db
    .select({
      fiscalYear: t.editions.fiscalYear,
      title: t.editions.title,
      state: t.editions.state,
      planTitle: t.plans.title,
      planStartFiscalYear: t.plans.startFiscalYear,
      planEndFiscalYear: t.plans.endFiscalYear,
    })
    .from(t.editions)
    .innerJoin(t.plans, eq(t.plans.id, t.editions.planId))
    .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
    .where(eq(t.organizations.code, orgCode))
    .orderBy(sql`${t.editions.fiscalYear} desc`);
  return rows;
}

/** Names of every pillar and sub-area key in the organization's editions; a later edition's wording wins. */
export async function placeNames(db: DbOrTx, orgCode: string): Promise<Map<string, string>> {
  const rows = (await db.execute(sql`
    SELECT p.key AS pillar_key, p.name AS pillar_name, s.key AS sub_key, s.name AS sub_name
    FROM pillars p
    JOIN editions e ON e.id = p.edition_id
    JOIN plans pl ON pl.id = e.plan_id
    JOIN organizations o ON o.id = pl.organization_id
    LEFT JOIN sub_areas s ON s.pillar_id = p.id
    WHERE o.code = ${orgCode}
    ORDER BY e.fiscal_year, p.position, s.position`)) as unknown as {
    rows: { pillar_key: string; pillar_name: string; sub_key: string | null; sub_name: string | null }[];
  };
  const names = new Map<string, string>();
  for (const r of rows.rows) {
    names.set(r.pillar_key, r.pillar_name);
    if (r.sub_key) names.set(r.sub_key, r.sub_name!);
  }
  return names;
}

export interface InitiativeHistoryEntry {
  fiscalYear: number;
  state: 'draft' | 'published';
  initiative: Initiative;
}

/** Every edition an initiative appears in, oldest first. */
export async function initiativeHistory(db: DbOrTx, orgCode: string, key: string): Promise<InitiativeHistoryEntry[]> {
  const ids = await db
    .select({ iy: t.initiativeYears.id, fy: t.editions.fiscalYear, state: t.editions.state })
    .from(t.initiativeYears)
    .innerJoin(t.initiatives, eq(t.initiatives.id, t.initiativeYears.initiativeId))
    .innerJoin(t.editions, eq(t.editions.id, t.initiativeYears.editionId))
    .innerJoin(t.plans, eq(t.plans.id, t.editions.planId))
    .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
    .where(and(eq(t.organizations.code, orgCode), eq(t.initiatives.key, key)));
  if (ids.length === 0) return [];
  const rows = await loadInitiativeYears(
    db,
    inArray(
      t.initiativeYears.id,
      ids.map((r) => r.iy),
    ) as ReturnType<typeof eq>,
  );
  const meta = new Map(ids.map((r) => [r.iy, r]));
  return rows
    .map((r) => ({ fiscalYear: meta.get(r.id)!.fy, state: meta.get(r.id)!.state, initiative: r.initiative }))
    .sort((a, b) => a.fiscalYear - b.fiscalYear);
}

export async function loadEditionSource(db: DbOrTx, orgCode: string, fiscalYear: number) {
  const ref = await findEdition(db, orgCode, fiscalYear);
  if (!ref) return null;
  const [row] = await db.select().from(t.editionSources).where(eq(t.editionSources.editionId, ref.editionId));
  return row ? { format: row.format, filename: row.filename, content: row.content } : null;
}
