// Whole editions in and out of the database as domain objects. Views, exports and reports read an
// EditionData; importers write one. Anything finer-grained (one initiative's edit, a round) lives in its
// own module but shares the audit and stamp helpers at the bottom of this file.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from './client.ts';
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
} from '../domain/model.ts';
import { validateOrgCode } from '../domain/org-code.ts';
import { warekiFiscalYear } from '../domain/wareki.ts';
import { signalChange } from './change-signal.ts';
import { can, type Actor } from '../domain/roles.ts';

export class EditionExistsError extends Error {
  constructor(
    readonly orgCode: string,
    readonly fiscalYear: number,
  ) {
    super(
      `${orgCode} の ${warekiFiscalYear(fiscalYear)}（${fiscalYear}年度）版は既に登録されています。置き換えるには --replace を指定してください。` +
        ` / The FY${fiscalYear} edition of ${orgCode} already exists; use --replace to replace it.`,
    );
    this.name = 'EditionExistsError';
  }
}

export class InvalidInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

export interface SaveEditionOptions {
  replace?: boolean;
  /** Who did it, for the audit log ("cli", a login name). */
  actor: string;
  userId?: number | null;
  /** What did it ("import:plan-text", "import:xlsx", …). */
  source: string;
  sourceDocument?: { format: string; filename: string | null; content: string };
}

export interface SaveEditionResult {
  editionId: number;
  changeSetId: number;
  replaced: boolean;
}

/** Writes a whole edition in one transaction; a failure anywhere leaves the database as it was. */
export async function saveEdition(db: Db, data: EditionData, opts: SaveEditionOptions): Promise<SaveEditionResult> {
  const code = validateOrgCode(data.organization.code);
  if (!code.ok) throw new InvalidInputError(code.reason + ' / ' + code.reasonEn);
  const result = await db.transaction(async (tx) => {
    const orgId = await upsertOrganization(tx, data.organization);
    const planId = await upsertPlan(tx, orgId, data);
    const [existing] = await tx
      .select({ id: t.editions.id })
      .from(t.editions)
      .where(and(eq(t.editions.planId, planId), eq(t.editions.fiscalYear, data.edition.fiscalYear)));
    if (existing && !opts.replace) throw new EditionExistsError(data.organization.code, data.edition.fiscalYear);
    let before: EditionData | null = null;
    if (existing) {
      before = await loadEdition(tx, data.organization.code, data.edition.fiscalYear);
      await tx.delete(t.editions).where(eq(t.editions.id, existing.id));
    }
    const [edition] = await tx
      .insert(t.editions)
      .values({
        planId,
        fiscalYear: data.edition.fiscalYear,
        title: data.edition.title,
        tagline: data.edition.tagline,
        lead: data.edition.lead,
        source: data.edition.source,
        state: data.edition.state,
        publishedAt: data.edition.state === 'published' ? new Date() : null,
      })
      .returning({ id: t.editions.id });
    const editionId = edition!.id;
    await insertEditionContent(tx, orgId, planId, editionId, data);
    await upsertKpis(tx, planId, data.kpis);
    if (opts.sourceDocument) {
      await tx.insert(t.editionSources).values({ editionId, ...opts.sourceDocument });
    }
    const changeSetId = await recordChangeSet(
      tx,
      {
        organizationId: orgId,
        actor: opts.actor,
        userId: opts.userId ?? null,
        source: opts.source,
        summary: `${existing ? 'replace' : 'import'} edition ${data.organization.code}/${data.edition.fiscalYear}: ${data.initiatives.length} initiatives, ${data.kpis.length} KPIs`,
      },
      [
        {
          entity: 'edition',
          entityKey: `${data.organization.code}/${data.edition.fiscalYear}`,
          action: existing ? 'update' : 'insert',
          before: before ? editionDigest(before) : null,
          after: editionDigest(data),
        },
      ],
    );
    return { editionId, changeSetId, replaced: Boolean(existing) };
  });
  signalChange();
  return result;
}

/** The audit log keeps a digest of a whole-edition write, not 102 copies of every text. */
function editionDigest(d: EditionData) {
  return {
    initiatives: d.initiatives.length,
    kpis: d.kpis.length,
    pillars: d.pillars.map((p) => p.name),
  };
}

async function upsertOrganization(tx: Tx, org: Organization): Promise<number> {
  const [row] = await tx
    .insert(t.organizations)
    .values({ code: org.code, name: org.name })
    .onConflictDoUpdate({ target: t.organizations.code, set: { name: org.name, updatedAt: new Date() } })
    .returning({ id: t.organizations.id });
  return row!.id;
}

async function upsertPlan(tx: Tx, orgId: number, data: EditionData): Promise<number> {
  const { plan } = data;
  const [found] = await tx
    .select({ id: t.plans.id })
    .from(t.plans)
    .where(
      and(
        eq(t.plans.organizationId, orgId),
        eq(t.plans.startFiscalYear, plan.startFiscalYear),
        eq(t.plans.endFiscalYear, plan.endFiscalYear),
      ),
    );
  if (found) return found.id;
  const [row] = await tx
    .insert(t.plans)
    .values({
      organizationId: orgId,
      title: plan.title,
      startFiscalYear: plan.startFiscalYear,
      endFiscalYear: plan.endFiscalYear,
      settings: plan.settings,
    })
    .returning({ id: t.plans.id });
  return row!.id;
}

/** Resolves department names (or their aliases) to ids, creating the ones the organization lacks. */
export async function resolveDepartments(tx: Tx, orgId: number, names: Iterable<string>): Promise<Map<string, number>> {
  const wanted = [...new Set(names)];
  const out = new Map<string, number>();
  if (wanted.length === 0) return out;
  const direct = await tx
    .select({ id: t.departments.id, name: t.departments.name })
    .from(t.departments)
    .where(and(eq(t.departments.organizationId, orgId), inArray(t.departments.name, wanted)));
  for (const d of direct) out.set(d.name, d.id);
  const aliased = await tx
    .select({ id: t.departmentAliases.departmentId, alias: t.departmentAliases.alias })
    .from(t.departmentAliases)
    .where(and(eq(t.departmentAliases.organizationId, orgId), inArray(t.departmentAliases.alias, wanted)));
  for (const a of aliased) if (!out.has(a.alias)) out.set(a.alias, a.id);
  const missing = wanted.filter((n) => !out.has(n));
  if (missing.length) {
    const rows = await tx
      .insert(t.departments)
      .values(missing.map((name) => ({ organizationId: orgId, name })))
      .returning({ id: t.departments.id, name: t.departments.name });
    for (const r of rows) out.set(r.name, r.id);
  }
  return out;
}

async function insertEditionContent(tx: Tx, orgId: number, planId: number, editionId: number, data: EditionData) {
  const pillarIds = new Map<string, number>();
  const subAreaIds = new Map<string, number>();
  for (const [pi, p] of data.pillars.entries()) {
    const [row] = await tx
      .insert(t.pillars)
      .values({ editionId, key: p.key, name: p.name, tagline: p.tagline, position: pi })
      .returning({ id: t.pillars.id });
    pillarIds.set(p.key, row!.id);
    if (p.subAreas.length) {
      const rows = await tx
        .insert(t.subAreas)
        .values(p.subAreas.map((s, si) => ({ pillarId: row!.id, key: s.key, name: s.name, position: si })))
        .returning({ id: t.subAreas.id, key: t.subAreas.key });
      for (const r of rows) subAreaIds.set(r.key, r.id);
    }
  }
  if (data.initiatives.length === 0) return;

  const keys = data.initiatives.map((i) => i.key);
  if (new Set(keys).size !== keys.length) throw new InvalidInputError('施策キーが重複しています / duplicate initiative keys');
  await tx
    .insert(t.initiatives)
    .values(keys.map((key) => ({ planId, key })))
    .onConflictDoNothing();
  const identities = await tx
    .select({ id: t.initiatives.id, key: t.initiatives.key })
    .from(t.initiatives)
    .where(and(eq(t.initiatives.planId, planId), inArray(t.initiatives.key, keys)));
  const initiativeIds = new Map(identities.map((r) => [r.key, r.id]));
  const departmentIds = await resolveDepartments(
    tx,
    orgId,
    data.initiatives.flatMap((i) => i.departments),
  );

  const yearRows = await tx
    .insert(t.initiativeYears)
    .values(
      data.initiatives.map((i, position) => {
        const pillarId = pillarIds.get(i.pillarKey);
        if (pillarId === undefined) {
          throw new InvalidInputError(`施策「${i.title}」の施策体系 ${i.pillarKey} がありません / unknown pillar ${i.pillarKey}`);
        }
        return {
          initiativeId: initiativeIds.get(i.key)!,
          editionId,
          pillarId,
          subAreaId: i.subAreaKey ? (subAreaIds.get(i.subAreaKey) ?? null) : null,
          position,
          number: i.number,
          title: i.title,
          status: i.status,
          content: i.content,
          plan: i.plan,
          resultsFiscalYear: i.resultsFiscalYear,
          resultsText: i.resultsText,
        };
      }),
    )
    .returning({ id: t.initiativeYears.id, initiativeId: t.initiativeYears.initiativeId });
  const yearIdByKey = new Map<string, number>();
  const keyById = new Map(identities.map((r) => [r.id, r.key]));
  for (const r of yearRows) yearIdByKey.set(keyById.get(r.initiativeId)!, r.id);

  const links: (typeof t.initiativeDepartments.$inferInsert)[] = [];
  const resultRows: (typeof t.results.$inferInsert)[] = [];
  const targetRows: (typeof t.planTargets.$inferInsert)[] = [];
  for (const i of data.initiatives) {
    const iyId = yearIdByKey.get(i.key)!;
    const seen = new Set<number>();
    i.departments.forEach((name) => {
      const id = departmentIds.get(name)!;
      if (seen.has(id)) return; // two aliases of one department on the same initiative
      seen.add(id);
      links.push({ initiativeYearId: iyId, departmentId: id, position: seen.size - 1 });
    });
    i.results.forEach((r, position) => resultRows.push({ initiativeYearId: iyId, position, ...r }));
    i.planTargets.forEach((p, position) => targetRows.push({ initiativeYearId: iyId, position, ...p }));
  }
  // Chunked so a 3,000-initiative edition stays under the bind-parameter limit.
  for (const chunk of chunks(links, 2000)) await tx.insert(t.initiativeDepartments).values(chunk);
  for (const chunk of chunks(resultRows, 1000)) await tx.insert(t.results).values(chunk);
  for (const chunk of chunks(targetRows, 1000)) await tx.insert(t.planTargets).values(chunk);
}

function* chunks<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** KPIs belong to the plan: an edition import updates their definition and adds the actuals it carries. */
export async function upsertKpis(tx: Tx, planId: number, kpis: Kpi[]) {
  for (const [position, k] of kpis.entries()) {
    const values = {
      planId,
      key: k.key,
      name: k.name,
      pillarKey: k.pillarKey,
      unit: k.unit,
      target: k.target,
      targetFiscalYear: k.targetFiscalYear,
      direction: k.direction,
      baseline: k.baseline,
      initiativeKey: k.initiativeKey,
      position,
    };
    const [row] = await tx
      .insert(t.kpis)
      .values(values)
      .onConflictDoUpdate({
        target: [t.kpis.planId, t.kpis.key],
        set: { ...values, updatedAt: new Date(), version: sql`${t.kpis.version} + 1` },
      })
      .returning({ id: t.kpis.id });
    for (const [fy, value] of Object.entries(k.actuals)) {
      await tx
        .insert(t.kpiActuals)
        .values({ kpiId: row!.id, fiscalYear: Number(fy), value })
        .onConflictDoUpdate({
          target: [t.kpiActuals.kpiId, t.kpiActuals.fiscalYear],
          set: { value, updatedAt: new Date(), version: sql`${t.kpiActuals.version} + 1` },
        });
    }
  }
  await tx
    .update(t.plans)
    .set({ version: sql`${t.plans.version} + 1`, updatedAt: new Date() })
    .where(eq(t.plans.id, planId));
  signalChange();
}

// ---- Reading ---------------------------------------------------------------------------------------

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
  const pillarRows = await db
    .select()
    .from(t.pillars)
    .where(eq(t.pillars.editionId, ref.editionId))
    .orderBy(asc(t.pillars.position));
  const subAreaRows = pillarRows.length
    ? await db
        .select()
        .from(t.subAreas)
        .where(inArray(t.subAreas.pillarId, pillarRows.map((p) => p.id)))
        .orderBy(asc(t.subAreas.position))
    : [];
  const pillars: Pillar[] = pillarRows.map((p) => ({
    key: p.key,
    name: p.name,
    tagline: p.tagline,
    subAreas: subAreaRows.filter((s) => s.pillarId === p.id).map((s) => ({ key: s.key, name: s.name })),
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
    })
    .from(t.initiativeYears)
    .innerJoin(t.initiatives, eq(t.initiatives.id, t.initiativeYears.initiativeId))
    .innerJoin(t.pillars, eq(t.pillars.id, t.initiativeYears.pillarId))
    .leftJoin(t.subAreas, eq(t.subAreas.id, t.initiativeYears.subAreaId))
    .where(where)
    .orderBy(asc(t.initiativeYears.editionId), asc(t.initiativeYears.position));
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [deptRows, resultRows, targetRows] = await Promise.all([
    db
      .select({ iy: t.initiativeDepartments.initiativeYearId, name: t.departments.name })
      .from(t.initiativeDepartments)
      .innerJoin(t.departments, eq(t.departments.id, t.initiativeDepartments.departmentId))
      .where(inArray(t.initiativeDepartments.initiativeYearId, ids))
      .orderBy(asc(t.initiativeDepartments.initiativeYearId), asc(t.initiativeDepartments.position)),
    db
      .select()
      .from(t.results)
      .where(inArray(t.results.initiativeYearId, ids))
      .orderBy(asc(t.results.initiativeYearId), asc(t.results.position)),
    db
      .select()
      .from(t.planTargets)
      .where(inArray(t.planTargets.initiativeYearId, ids))
      .orderBy(asc(t.planTargets.initiativeYearId), asc(t.planTargets.position)),
  ]);
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
    initiative: {
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
    },
  }));
}

export async function loadKpis(db: DbOrTx, planId: number): Promise<Kpi[]> {
  const rows = await db.select().from(t.kpis).where(eq(t.kpis.planId, planId)).orderBy(asc(t.kpis.position));
  if (rows.length === 0) return [];
  const actuals = await db
    .select()
    .from(t.kpiActuals)
    .where(inArray(t.kpiActuals.kpiId, rows.map((r) => r.id)))
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
  return db
    .select({ code: t.organizations.code, name: t.organizations.name })
    .from(t.organizations)
    .orderBy(asc(t.organizations.code));
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
    ORDER BY e.fiscal_year, p.position, s.position`)) as unknown as { rows: { pillar_key: string; pillar_name: string; sub_key: string | null; sub_name: string | null }[] };
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
  const rows = await loadInitiativeYears(db, inArray(t.initiativeYears.id, ids.map((r) => r.iy)) as ReturnType<typeof eq>);
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

// ---- Departments -----------------------------------------------------------------------------------

export interface MergeResult {
  moved: number;
  aliases: string[];
}

/**
 * Merges one department into another: its initiatives move over, and its name (with its own aliases)
 * becomes an alias, so a later import that still says the old name lands on the right department.
 */
export async function mergeDepartments(
  db: Db,
  orgCode: string,
  from: string,
  into: string,
  actor: Actor,
): Promise<MergeResult> {
  if (!can(actor, 'manage')) throw new InvalidInputError('この操作をする権限がありません / not allowed');
  const result = await db.transaction(async (tx) => {
    const [org] = await tx.select().from(t.organizations).where(eq(t.organizations.code, orgCode)).for('update');
    if (!org) throw new InvalidInputError(`自治体 ${orgCode} は登録されていません / unknown organization ${orgCode}`);
    if (org.id !== actor.organizationId) throw new InvalidInputError('この操作をする権限がありません / not allowed');
    if (from === into) throw new InvalidInputError(`同じ課所どうしは統合できません / cannot merge ${from} into itself`);
    const find = (name: string) =>
      tx
        .select()
        .from(t.departments)
        .where(and(eq(t.departments.organizationId, org.id), eq(t.departments.name, name)));
    const [src] = await find(from);
    const [dst] = await find(into);
    if (!src) throw new InvalidInputError(`担当課所「${from}」がありません / no department named ${from}`);
    if (!dst) throw new InvalidInputError(`担当課所「${into}」がありません / no department named ${into}`);

    const links = await tx
      .select()
      .from(t.initiativeDepartments)
      .where(eq(t.initiativeDepartments.departmentId, src.id));
    const already = new Set(
      (
        await tx
          .select({ iy: t.initiativeDepartments.initiativeYearId })
          .from(t.initiativeDepartments)
          .where(eq(t.initiativeDepartments.departmentId, dst.id))
      ).map((r) => r.iy),
    );
    for (const l of links) {
      if (already.has(l.initiativeYearId)) {
        await tx
          .delete(t.initiativeDepartments)
          .where(
            and(
              eq(t.initiativeDepartments.initiativeYearId, l.initiativeYearId),
              eq(t.initiativeDepartments.departmentId, src.id),
            ),
          );
      } else {
        await tx
          .update(t.initiativeDepartments)
          .set({ departmentId: dst.id })
          .where(
            and(
              eq(t.initiativeDepartments.initiativeYearId, l.initiativeYearId),
              eq(t.initiativeDepartments.departmentId, src.id),
            ),
          );
      }
    }
    await tx.update(t.departmentAliases).set({ departmentId: dst.id }).where(eq(t.departmentAliases.departmentId, src.id));
    // An editor of both keeps one link; a failed UPDATE would abort the whole transaction, so none is tried.
    await tx.execute(
      sql`DELETE FROM user_departments WHERE department_id = ${src.id} AND user_id IN (SELECT user_id FROM user_departments WHERE department_id = ${dst.id})`,
    );
    await tx.update(t.userDepartments).set({ departmentId: dst.id }).where(eq(t.userDepartments.departmentId, src.id));
    await tx.delete(t.departments).where(eq(t.departments.id, src.id));
    await tx.insert(t.departmentAliases).values({ organizationId: org.id, departmentId: dst.id, alias: from });
    const aliases = (
      await tx.select({ alias: t.departmentAliases.alias }).from(t.departmentAliases).where(eq(t.departmentAliases.departmentId, dst.id))
    ).map((a) => a.alias);
    await tx
      .update(t.organizations)
      .set({ version: sql`${t.organizations.version} + 1`, updatedAt: new Date() })
      .where(eq(t.organizations.id, org.id));
    await recordChangeSet(
      tx,
      { organizationId: org.id, actor: actor.login, userId: actor.id > 0 ? actor.id : null, source: 'departments:merge', summary: `${from} → ${into}` },
      [{ entity: 'department', entityKey: into, action: 'update', before: { merged: from }, after: { aliases } }],
    );
    return { moved: links.length, aliases };
  });
  signalChange();
  return result;
}

// ---- Audit and stamps ------------------------------------------------------------------------------

export interface AuditEntry {
  entity: string;
  entityKey: string;
  action: 'insert' | 'update' | 'delete';
  before: unknown;
  after: unknown;
}

export interface ChangeSetInfo {
  organizationId: number | null;
  actor: string;
  userId: number | null;
  source: string;
  summary: string;
}

/** One user action = one change set, with an audit row per entity it touched. */
export async function recordChangeSet(tx: DbOrTx, info: ChangeSetInfo, entries: AuditEntry[]): Promise<number> {
  const [cs] = await tx.insert(t.changeSets).values(info).returning({ id: t.changeSets.id });
  const id = Number(cs!.id);
  for (const chunk of chunks(entries, 500)) {
    await tx.insert(t.auditLog).values(
      chunk.map((e) => ({
        changeSetId: id,
        entity: e.entity,
        entityKey: e.entityKey,
        action: e.action,
        before: e.before ?? null,
        after: e.after ?? null,
      })),
    );
  }
  return id;
}

/** Marks an edition changed so caches and ETags keyed on editionStamp refresh. */
export async function bumpEdition(tx: DbOrTx, editionId: number): Promise<void> {
  signalChange();
  await tx
    .update(t.editions)
    .set({ version: sql`${t.editions.version} + 1`, updatedAt: new Date() })
    .where(eq(t.editions.id, editionId));
}
