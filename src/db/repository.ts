// Whole editions into the database: saveEdition writes an EditionData (what importers produce) in one
// transaction, with its organization, plan, pillars, initiatives and KPIs. Reading editions back lives in
// edition-read.ts and is re-exported here, as is InvalidInputError, so callers keep one import for both.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.ts';
import * as t from './schema.ts';
import type { EditionData, Kpi, Organization } from '../domain/model.ts';
import { validateOrgCode } from '../domain/org-code.ts';
import { shapeColumns } from '../domain/shape.ts';
import { warekiFiscalYear } from '../domain/wareki.ts';
import { signalChange } from './change-signal.ts';
import { InvalidInputError } from './errors.ts';
import { chunks, recordChangeSet } from './audit.ts';
import { resolveDepartments } from './departments.ts';
import { loadEdition } from './edition-read.ts';
import { publicationOf, snapshotEdition } from './publication.ts';

export { InvalidInputError } from './errors.ts';
export {
  editionStamp,
  findEdition,
  initiativeHistory,
  listEditions,
  listOrganizations,
  loadDepartments,
  loadEdition,
  loadEditionById,
  loadEditionSource,
  loadInitiativeYears,
  loadKpis,
  placeNames,
  type EditionRef,
  type EditionSummary,
  type InitiativeHistoryEntry,
  type InitiativeYearRow,
} from './edition-read.ts';

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

export interface SaveEditionOptions {
  replace?: boolean;
  /** Who did it, for the audit log ("cli", a login name). */
  actor: string;
  userId?: number | null;
  /** What did it ("import:plan-text", "import:xlsx", …). */
  source: string;
  sourceDocument?: { format: string; filename: string | null; content: string };
  /** The published copy to put back as it was (restoring an archived edition), instead of writing a new one. */
  restorePublication?: { data: unknown; number: number };
}

export interface SaveEditionResult {
  editionId: number;
  changeSetId: number;
  replaced: boolean;
}

/** Writes a whole edition in one transaction; a failure anywhere leaves the database as it was. */
export async function saveEdition(db: Db, data: EditionData, opts: SaveEditionOptions): Promise<SaveEditionResult> {
  const code = validateOrgCode(data.organization.code);
  if (!code.ok) throw new InvalidInputError(`${code.reason} / ${code.reasonEn}`);
  const result = await db.transaction(async (tx) => {
    const orgId = await upsertOrganization(tx, data.organization);
    const planId = await upsertPlan(tx, orgId, data);
    const [existing] = await tx
      .select({ id: t.editions.id })
      .from(t.editions)
      .where(and(eq(t.editions.planId, planId), eq(t.editions.fiscalYear, data.edition.fiscalYear)));
    if (existing && !opts.replace) throw new EditionExistsError(data.organization.code, data.edition.fiscalYear);
    let before: EditionData | null = null;
    let published: number | undefined;
    if (existing) {
      before = await loadEdition(tx, data.organization.code, data.edition.fiscalYear);
      published = (await publicationOf(tx, existing.id))?.number;
      // The replaced edition stays recoverable: its data, its source document and its published copy.
      await archiveEdition(tx, planId, existing.id, before!);
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
    // KPIs are the plan's, shared by every edition and edited in the workspace: a replace adds the KPIs
    // the plan lacks and leaves the others (their names, units, targets and actuals) as they are.
    await upsertKpis(tx, planId, data.kpis, existing ? await storedKpiKeys(tx, planId) : undefined);
    if (opts.restorePublication) {
      await tx.insert(t.editionPublications).values({ editionId, data: opts.restorePublication.data, number: opts.restorePublication.number });
    }
    // An edition imported as published is public as imported: its published copy is written with it
    // (a replaced edition's copy went with its row; the count of publishes carries on).
    if (data.edition.state === 'published' && !opts.restorePublication) {
      await snapshotEdition(tx, { organizationId: orgId, organization: data.organization, planId, editionId }, { previous: published });
    }
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

/** Keeps an edition about to be replaced, with its source document and published copy, in edition_archives. */
async function archiveEdition(tx: Tx, planId: number, editionId: number, data: EditionData): Promise<void> {
  const [source] = await tx.select().from(t.editionSources).where(eq(t.editionSources.editionId, editionId));
  const [publication] = await tx.select().from(t.editionPublications).where(eq(t.editionPublications.editionId, editionId));
  await tx.insert(t.editionArchives).values({
    planId,
    fiscalYear: data.edition.fiscalYear,
    data,
    source: source ? { format: source.format, filename: source.filename, content: source.content } : null,
    publication: publication ? { data: publication.data, number: publication.number } : null,
  });
}

async function storedKpiKeys(tx: Tx, planId: number): Promise<Set<string>> {
  return new Set((await tx.select({ key: t.kpis.key }).from(t.kpis).where(eq(t.kpis.planId, planId))).map((r) => r.key));
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
    .onConflictDoNothing({ target: t.organizations.code })
    .returning({ id: t.organizations.id });
  if (row) return row.id;
  // A registered organization keeps the name it was registered with (`org add`); an import does not rename it.
  const [found] = await tx.select({ id: t.organizations.id }).from(t.organizations).where(eq(t.organizations.code, org.code));
  return found!.id;
}

async function upsertPlan(tx: Tx, orgId: number, data: EditionData): Promise<number> {
  const { plan } = data;
  const [found] = await tx
    .select({ id: t.plans.id })
    .from(t.plans)
    .where(and(eq(t.plans.organizationId, orgId), eq(t.plans.startFiscalYear, plan.startFiscalYear), eq(t.plans.endFiscalYear, plan.endFiscalYear)));
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

async function insertEditionContent(tx: Tx, orgId: number, planId: number, editionId: number, data: EditionData) {
  const pillarIds = new Map<string, number>();
  const subAreaIds = new Map<string, number>();
  for (const [pi, p] of data.pillars.entries()) {
    const [row] = await tx.insert(t.pillars).values({ editionId, key: p.key, name: p.name, tagline: p.tagline, position: pi }).returning({ id: t.pillars.id });
    pillarIds.set(p.key, row!.id);
    if (p.subAreas.length) {
      const rows = await tx
        .insert(t.subAreas)
        .values(p.subAreas.map((s, si) => ({ pillarId: row!.id, key: s.key, name: s.name, position: si })))
        .returning({ id: t.subAreas.id, key: t.subAreas.key });
      for (const r of rows) subAreaIds.set(r.key, r.id);
      // Sub-areas inside sub-areas (three or four levels) point at their parents once every row exists.
      for (const s of p.subAreas) {
        if (!s.parentKey) continue;
        const parentId = subAreaIds.get(s.parentKey);
        if (parentId === undefined) throw new InvalidInputError(`分野「${s.name}」の上の階層 ${s.parentKey} がありません / unknown parent ${s.parentKey}`);
        await tx
          .update(t.subAreas)
          .set({ parentId })
          .where(eq(t.subAreas.id, subAreaIds.get(s.key)!));
      }
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
          ...shapeColumns(i),
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

/** One year's actual of a KPI: written, or with null deleted. Every write of an actual goes through here. */
export async function setKpiActual(tx: Tx, kpiId: number, fiscalYear: number, value: string | null): Promise<void> {
  if (value === null) {
    await tx.delete(t.kpiActuals).where(and(eq(t.kpiActuals.kpiId, kpiId), eq(t.kpiActuals.fiscalYear, fiscalYear)));
    return;
  }
  await tx
    .insert(t.kpiActuals)
    .values({ kpiId, fiscalYear, value })
    .onConflictDoUpdate({
      target: [t.kpiActuals.kpiId, t.kpiActuals.fiscalYear],
      set: { value, updatedAt: new Date(), version: sql`${t.kpiActuals.version} + 1` },
    });
}

/**
 * KPIs belong to the plan: an edition import updates their definition and adds the actuals it carries;
 * the keys in `keep` are left exactly as stored.
 */
export async function upsertKpis(tx: Tx, planId: number, kpis: Kpi[], keep: ReadonlySet<string> = new Set()) {
  for (const [position, k] of kpis.entries()) {
    if (keep.has(k.key)) continue;
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
    for (const [fy, value] of Object.entries(k.actuals)) await setKpiActual(tx, row!.id, Number(fy), value);
  }
  await tx
    .update(t.plans)
    .set({ version: sql`${t.plans.version} + 1`, updatedAt: new Date() })
    .where(eq(t.plans.id, planId));
  signalChange();
}
