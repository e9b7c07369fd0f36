// The plan's KPIs, edited by the admin: definitions (add, change, move, delete), yearly actuals, and the
// plan's progress rule. KPIs belong to the plan, not to an edition, so they are apart from the pillars.
import { and, asc, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { loadKpis } from './edition-read.ts';
import { setKpiActual } from './repository.ts';
import { allow, editionOf, planWrite, WorkspaceError, type EditionAt } from './command.ts';
import { keysEverUsed, moveRow, setPositions } from './structure-order.ts';
import { updatePlan } from './plans.ts';
import type { Actor } from '../domain/roles.ts';
import type { Kpi, PlanSettings } from '../domain/model.ts';
import { nextKey, type MoveDirection } from '../domain/structure.ts';

// ---- KPIs (per plan) -------------------------------------------------------------------------------------

export interface KpiFields {
  name: string;
  pillarKey: string;
  unit: string | null;
  target: string;
  targetFiscalYear: number;
  direction: 'higher' | 'lower';
  baseline: string | null;
  initiativeKey: string | null;
}

async function kpisOf(tx: DbOrTx, planId: number) {
  return tx.select().from(t.kpis).where(eq(t.kpis.planId, planId)).orderBy(asc(t.kpis.position), asc(t.kpis.id));
}

function kpiRecord(k: Pick<Kpi, keyof KpiFields>): KpiFields {
  return {
    name: k.name,
    pillarKey: k.pillarKey,
    unit: k.unit,
    target: k.target,
    targetFiscalYear: k.targetFiscalYear,
    direction: k.direction,
    baseline: k.baseline,
    initiativeKey: k.initiativeKey,
  };
}

async function checkKpi(tx: DbOrTx, ref: EditionAt, fields: KpiFields) {
  const [plan] = await tx.select().from(t.plans).where(eq(t.plans.id, ref.planId));
  if (fields.targetFiscalYear < plan!.startFiscalYear || fields.targetFiscalYear > plan!.endFiscalYear) {
    throw new WorkspaceError(`目標年度は計画期間（${plan!.startFiscalYear}〜${plan!.endFiscalYear}年度）の中で選んでください`);
  }
  const [pillar] = await tx
    .select({ id: t.pillars.id })
    .from(t.pillars)
    .where(and(eq(t.pillars.editionId, ref.editionId), eq(t.pillars.key, fields.pillarKey)));
  if (!pillar) throw new WorkspaceError('施策体系を選んでください');
  if (fields.initiativeKey) {
    const [i] = await tx
      .select({ id: t.initiatives.id })
      .from(t.initiatives)
      .where(and(eq(t.initiatives.planId, ref.planId), eq(t.initiatives.key, fields.initiativeKey)));
    if (!i) throw new WorkspaceError('関連する施策が見つかりません');
  }
}

/** Adds a KPI (key null) or changes its definition; `expectedVersion` guards an edit against a lost update. */
export function saveKpi(db: Db, actor: Actor, fiscalYear: number, key: string | null, expectedVersion: number | null, fields: KpiFields): Promise<string> {
  return planWrite(db, actor, fiscalYear, 'kpi:definition', async (tx, ref) => {
    await checkKpi(tx, ref, fields);
    const all = await kpisOf(tx, ref.planId);
    if (all.some((k) => k.name === fields.name && k.key !== key)) throw new WorkspaceError(`同じ名前の KPI「${fields.name}」が既にあります`, 409);
    if (key === null) {
      const newKey = nextKey('k', await keysEverUsed(tx, ref, 'kpi', 'k'));
      await tx.insert(t.kpis).values({ planId: ref.planId, key: newKey, ...fields, position: all.length });
      return {
        summary: `KPI「${fields.name}」を追加`,
        entries: [{ entity: 'kpi', entityKey: newKey, action: 'insert', before: null, after: fields }],
        value: newKey,
      };
    }
    const k = all.find((x) => x.key === key);
    if (!k) throw new WorkspaceError('その KPI はありません', 404);
    if (expectedVersion !== null && k.version !== expectedVersion)
      throw new WorkspaceError('ほかの人が先にこの KPI を変更しました。画面を読み込み直し、内容を確かめてから変更してください', 409);
    if (JSON.stringify(kpiRecord(k)) === JSON.stringify(kpiRecord(fields))) return { summary: '', entries: [], value: key, unchanged: true };
    await tx
      .update(t.kpis)
      .set({ ...fields, version: k.version + 1, updatedAt: new Date() })
      .where(eq(t.kpis.id, k.id));
    return {
      summary: `KPI「${k.name}」を変更`,
      entries: [{ entity: 'kpi', entityKey: key, action: 'update', before: kpiRecord(k), after: fields }],
      value: key,
    };
  });
}

export function moveKpi(db: Db, actor: Actor, fiscalYear: number, key: string, direction: MoveDirection): Promise<void> {
  return planWrite(db, actor, fiscalYear, 'kpi:move', async (tx, ref) => {
    const m = await moveRow(tx, t.kpis, await kpisOf(tx, ref.planId), key, direction, 'KPI', 'その KPI はありません');
    return { summary: m.summary, entries: [{ entity: 'kpi', entityKey: key, action: 'update', before: m.before, after: m.after }], value: undefined };
  });
}

/** The version of each KPI definition, which its edit form carries back. */
export async function kpiVersions(db: DbOrTx, actor: Actor, fiscalYear: number): Promise<Map<string, number>> {
  allow(actor, 'manage');
  const ref = await editionOf(db, actor, fiscalYear);
  const rows = await db.select({ key: t.kpis.key, version: t.kpis.version }).from(t.kpis).where(eq(t.kpis.planId, ref.planId));
  return new Map(rows.map((r) => [r.key, r.version]));
}

/** Deletes a KPI and its yearly actuals; the audit row keeps both. */
export function deleteKpi(db: Db, actor: Actor, fiscalYear: number, key: string): Promise<void> {
  return planWrite(db, actor, fiscalYear, 'kpi:delete', async (tx, ref) => {
    const kpi = (await loadKpis(tx, ref.planId)).find((k) => k.key === key);
    if (!kpi) throw new WorkspaceError('その KPI はありません', 404);
    await tx.delete(t.kpis).where(and(eq(t.kpis.planId, ref.planId), eq(t.kpis.key, key)));
    await setPositions(tx, t.kpis, await kpisOf(tx, ref.planId));
    return { summary: `KPI「${kpi.name}」を削除`, entries: [{ entity: 'kpi', entityKey: key, action: 'delete', before: kpi, after: null }], value: undefined };
  });
}

// ---- actuals and the progress rule ------------------------------------------------------------------------

export async function updateKpiActual(db: Db, actor: Actor, fiscalYear: number, kpiKey: string, year: number, value: string | null): Promise<void> {
  await planWrite(db, actor, fiscalYear, 'kpi:actual', async (tx, ref) => {
    const [kpi] = await tx
      .select()
      .from(t.kpis)
      .where(and(eq(t.kpis.planId, ref.planId), eq(t.kpis.key, kpiKey)));
    if (!kpi) throw new WorkspaceError('その KPI はありません', 404);
    const [old] = await tx
      .select()
      .from(t.kpiActuals)
      .where(and(eq(t.kpiActuals.kpiId, kpi.id), eq(t.kpiActuals.fiscalYear, year)));
    // The value it already has writes nothing.
    if ((old?.value ?? null) === value) return { summary: '', entries: [], value: undefined, unchanged: true };
    await setKpiActual(tx, kpi.id, year, value);
    return {
      summary: `${kpi.name} ${year}年度 ${value ?? '削除'}`,
      entries: [
        { entity: 'kpi', entityKey: kpiKey, action: 'update', before: { fiscalYear: year, value: old?.value ?? null }, after: { fiscalYear: year, value } },
      ],
      value: undefined,
    };
  });
}

/**
 * Some of the plan's settings (the progress rule: rounding, decimals, cap, grading bands; level names…);
 * the rest are kept. Every table is recomputed from them. The plan is the one whose period holds
 * `fiscalYear`; the rules of a settings change are those of updatePlan (src/db/plans.ts).
 */
export async function updatePlanSettings(db: Db, actor: Actor, fiscalYear: number, change: Partial<PlanSettings>): Promise<void> {
  await updatePlan(db, actor, { fiscalYear }, { settings: change });
}
