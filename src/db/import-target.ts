// What a spreadsheet is previewed against: the stored edition of that year, or, for a year of a plan that
// has no edition yet, the empty edition the file will fill (its plan, the plan's KPIs, the organization's
// departments). With it, a stamp of that state (apply refuses when it moved on) and the plan's groups in
// its other editions, so a group the file creates keeps the key its name has in the plan and never takes a
// key that once meant another.
import { and, asc, desc, eq, gte, inArray, lte } from 'drizzle-orm';
import type { DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { editionStamp, loadDepartments, loadEdition, loadKpis } from './edition-read.ts';
import { DEFAULT_PLAN_SETTINGS, type EditionData } from '../domain/model.ts';
import { emptyEdition, type PlanGroups } from '../domain/changes.ts';

export interface ImportTarget {
  current: EditionData;
  /** The stored edition's stamp; for a year with no edition, a stamp of its plan and organization. */
  stamp: string;
  /** The year has no edition: applying the file creates it. */
  newEdition: boolean;
  planId: number;
  organizationId: number;
  /** The plan's groups in its other editions, so a group the file creates keeps the key its name has in the plan. */
  planGroups: PlanGroups;
}

export interface PlanOfYear {
  planId: number;
  organizationId: number;
  organization: { code: string; name: string };
}

/** The organization's plan whose period holds that year (the latest-starting one, should two overlap). */
export async function planOfYear(db: DbOrTx, orgCode: string, fiscalYear: number): Promise<PlanOfYear | null> {
  const [row] = await db
    .select({ planId: t.plans.id, organizationId: t.organizations.id, code: t.organizations.code, name: t.organizations.name })
    .from(t.plans)
    .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
    .where(and(eq(t.organizations.code, orgCode), lte(t.plans.startFiscalYear, fiscalYear), gte(t.plans.endFiscalYear, fiscalYear)))
    .orderBy(desc(t.plans.startFiscalYear))
    .limit(1);
  return row ? { planId: row.planId, organizationId: row.organizationId, organization: { code: row.code, name: row.name } } : null;
}

/** The empty edition of a year of the plan, as loadEdition would return it once created with nothing in it. */
export async function loadEmptyEdition(db: DbOrTx, at: PlanOfYear, fiscalYear: number): Promise<EditionData> {
  const [plan] = await db.select().from(t.plans).where(eq(t.plans.id, at.planId));
  return emptyEdition(
    {
      organization: at.organization,
      plan: {
        title: plan!.title,
        startFiscalYear: plan!.startFiscalYear,
        endFiscalYear: plan!.endFiscalYear,
        settings: { ...DEFAULT_PLAN_SETTINGS, ...plan!.settings },
      },
      kpis: await loadKpis(db, at.planId),
      departments: await loadDepartments(db, at.organizationId),
    },
    fiscalYear,
  );
}

/** A stamp of what an edition not yet created is made from: the plan (its KPIs, settings, editions) and the organization (departments). */
export async function newEditionStamp(db: DbOrTx, at: PlanOfYear): Promise<string> {
  const [row] = await db
    .select({ pv: t.plans.version, pu: t.plans.updatedAt, ov: t.organizations.version, ou: t.organizations.updatedAt })
    .from(t.plans)
    .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
    .where(eq(t.plans.id, at.planId));
  const editions = await db.select({ id: t.editions.id }).from(t.editions).where(eq(t.editions.planId, at.planId));
  return `new.${at.planId}.${row!.pv}.${row!.ov}.${editions.length}.${new Date(row!.pu).getTime().toString(36)}${new Date(row!.ou).getTime().toString(36)}`;
}

/** The pillars and sub-areas of every edition of the plan (newest first), and the keys the organization's audit log names for them. */
export async function planGroups(db: DbOrTx, planId: number, organizationId: number): Promise<PlanGroups> {
  const pillars = await db
    .select({ id: t.pillars.id, key: t.pillars.key, name: t.pillars.name })
    .from(t.pillars)
    .innerJoin(t.editions, eq(t.editions.id, t.pillars.editionId))
    .where(eq(t.editions.planId, planId))
    .orderBy(desc(t.editions.fiscalYear), asc(t.pillars.position));
  const subAreas = pillars.length
    ? await db
        .select({ id: t.subAreas.id, key: t.subAreas.key, name: t.subAreas.name, pillarId: t.subAreas.pillarId, parentId: t.subAreas.parentId })
        .from(t.subAreas)
        .where(
          inArray(
            t.subAreas.pillarId,
            pillars.map((p) => p.id),
          ),
        )
    : [];
  const audited = await db
    .selectDistinct({ entity: t.auditLog.entity, key: t.auditLog.entityKey })
    .from(t.auditLog)
    .innerJoin(t.changeSets, eq(t.changeSets.id, t.auditLog.changeSetId))
    .where(and(eq(t.changeSets.organizationId, organizationId), inArray(t.auditLog.entity, ['pillar', 'sub-area'])))
    .orderBy(asc(t.auditLog.entityKey));
  const pillarKey = new Map(pillars.map((p) => [p.id, p.key]));
  // A deeper group of another year is known by its parent too, so a group of the same name under another parent is another group.
  const subKey = new Map(subAreas.map((s) => [s.id, s.key]));
  return {
    pillars: [...pillars.map((p) => ({ key: p.key, name: p.name })), ...audited.filter((a) => a.entity === 'pillar').map((a) => ({ key: a.key, name: null }))],
    subAreas: [
      ...subAreas.map((s) => ({
        key: s.key,
        name: s.name,
        pillarKey: pillarKey.get(s.pillarId) ?? null,
        parentKey: s.parentId === null ? null : (subKey.get(s.parentId) ?? null),
      })),
      ...audited.filter((a) => a.entity === 'sub-area').map((a) => ({ key: a.key, name: null, pillarKey: null })),
    ],
  };
}

/** The edition of that year with its stamp, or the empty one its plan would get; null when no plan of the organization holds that year. */
export async function loadImportTarget(db: DbOrTx, orgCode: string, fiscalYear: number): Promise<ImportTarget | null> {
  // The stamp first: a write between the two reads then shows as a stale preview, never as a silent overwrite.
  const stamp = await editionStamp(db, orgCode, fiscalYear);
  const stored = stamp ? await loadEdition(db, orgCode, fiscalYear) : null;
  if (stamp && stored) {
    const [ref] = await db
      .select({ planId: t.editions.planId, organizationId: t.plans.organizationId })
      .from(t.editions)
      .innerJoin(t.plans, eq(t.plans.id, t.editions.planId))
      .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
      .where(and(eq(t.organizations.code, orgCode), eq(t.editions.fiscalYear, fiscalYear)))
      .orderBy(asc(t.plans.startFiscalYear))
      .limit(1);
    return {
      current: stored,
      stamp,
      newEdition: false,
      planId: ref!.planId,
      organizationId: ref!.organizationId,
      planGroups: await planGroups(db, ref!.planId, ref!.organizationId),
    };
  }
  const at = await planOfYear(db, orgCode, fiscalYear);
  if (!at) return null;
  const newStamp = await newEditionStamp(db, at);
  return {
    current: await loadEmptyEdition(db, at, fiscalYear),
    stamp: newStamp,
    newEdition: true,
    planId: at.planId,
    organizationId: at.organizationId,
    planGroups: await planGroups(db, at.planId, at.organizationId),
  };
}
