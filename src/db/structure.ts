// The plan's master data, edited by the admin. This file holds the pillars and sub-areas (per edition);
// an initiative's number, title, placement and departments are in initiatives.ts, KPI definitions (per
// plan) in kpis.ts and the department master (per organization) in departments.ts, their commands
// re-exported here. One command per write, as in workspace.ts: permission first, one transaction with the
// owning row locked, one change set; a published edition is locked until reopened. After every change of
// structure the initiatives' stored positions are rewritten in print order (structure-order.ts), so every
// list, export and report that reads them in position order prints them as the portal does.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import * as t from './schema.ts';
import type { AuditEntry } from './audit.ts';
import { editionWrite, WorkspaceError } from './command.ts';
import { keysEverUsed, moveRow, orderedItems, pillarsOf, setPositions } from './structure-order.ts';
import type { Actor } from '../domain/roles.ts';
import { nextKey, type MoveDirection } from '../domain/structure.ts';

export { addInitiative, moveInitiative, removeInitiative, renumberEdition, updateIdentity, type InitiativeIdentity } from './initiatives.ts';
export { deleteKpi, kpiVersions, moveKpi, saveKpi, type KpiFields } from './kpis.ts';
export {
  addDepartment,
  addDepartmentAlias,
  deleteDepartment,
  listDepartmentUse,
  removeDepartmentAlias,
  renameDepartment,
  type DepartmentUse,
} from './departments.ts';

// ---- pillars -----------------------------------------------------------------------------------------

export interface PillarFields {
  name: string;
  tagline: string | null;
}

async function pillarOf(tx: DbOrTx, editionId: number, key: string) {
  const [p] = await tx
    .select()
    .from(t.pillars)
    .where(and(eq(t.pillars.editionId, editionId), eq(t.pillars.key, key)));
  if (!p) throw new WorkspaceError('その施策体系はこの版にありません', 404);
  return p;
}

/** Adds a pillar (key null) or renames one; returns its key. */
export function savePillar(db: Db, actor: Actor, fiscalYear: number, key: string | null, fields: PillarFields): Promise<string> {
  return editionWrite(db, actor, fiscalYear, 'structure:pillar', async (tx, ref) => {
    const all = await pillarsOf(tx, ref.editionId);
    const clash = all.find((p) => p.name === fields.name && p.key !== key);
    if (clash) throw new WorkspaceError(`同じ名前の施策体系「${fields.name}」が既にあります`, 409);
    if (key === null) {
      const newKey = nextKey('p', await keysEverUsed(tx, ref, 'pillar', 'p'));
      await tx.insert(t.pillars).values({ editionId: ref.editionId, key: newKey, name: fields.name, tagline: fields.tagline, position: all.length });
      return {
        summary: `施策体系「${fields.name}」を追加`,
        entries: [{ entity: 'pillar', entityKey: newKey, action: 'insert', before: null, after: { fiscalYear, ...fields } }],
        value: newKey,
      };
    }
    const p = all.find((x) => x.key === key);
    if (!p) throw new WorkspaceError('その施策体系はこの版にありません', 404);
    if (p.name === fields.name && p.tagline === fields.tagline) return { summary: '', entries: [], value: key, unchanged: true };
    await tx
      .update(t.pillars)
      .set({ name: fields.name, tagline: fields.tagline, updatedAt: new Date(), version: p.version + 1 })
      .where(eq(t.pillars.id, p.id));
    return {
      summary: `施策体系「${p.name}」を変更`,
      entries: [
        { entity: 'pillar', entityKey: key, action: 'update', before: { fiscalYear, name: p.name, tagline: p.tagline }, after: { fiscalYear, ...fields } },
      ],
      value: key,
    };
  });
}

export function movePillar(db: Db, actor: Actor, fiscalYear: number, key: string, direction: MoveDirection): Promise<void> {
  return editionWrite(db, actor, fiscalYear, 'structure:pillar-move', async (tx, ref) => {
    const m = await moveRow(tx, t.pillars, await pillarsOf(tx, ref.editionId), key, direction, '施策体系', 'その施策体系はこの版にありません');
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return {
      summary: m.summary,
      entries: [{ entity: 'pillar', entityKey: key, action: 'update', before: { fiscalYear, ...m.before }, after: { fiscalYear, ...m.after } }],
      value: undefined,
    };
  });
}

/** Only an empty pillar can go: its initiatives are moved first, and no KPI may still count under it. */
export function deletePillar(db: Db, actor: Actor, fiscalYear: number, key: string): Promise<void> {
  return editionWrite(db, actor, fiscalYear, 'structure:pillar-delete', async (tx, ref) => {
    const p = await pillarOf(tx, ref.editionId, key);
    const [used] = await tx.select({ n: sql<number>`count(*)::int` }).from(t.initiativeYears).where(eq(t.initiativeYears.pillarId, p.id));
    if (used!.n > 0) throw new WorkspaceError(`施策体系「${p.name}」には施策が ${used!.n} 件あります。先に施策を別の施策体系へ移してください`, 409);
    const kpis = await tx
      .select({ name: t.kpis.name })
      .from(t.kpis)
      .where(and(eq(t.kpis.planId, ref.planId), eq(t.kpis.pillarKey, key)));
    if (kpis.length)
      throw new WorkspaceError(`KPI「${kpis.map((k) => k.name).join('」「')}」がこの施策体系に属しています。先に KPI の施策体系を変えてください`, 409);
    const subs = await tx.select({ key: t.subAreas.key, name: t.subAreas.name }).from(t.subAreas).where(eq(t.subAreas.pillarId, p.id));
    await tx.delete(t.pillars).where(eq(t.pillars.id, p.id));
    await setPositions(tx, t.pillars, await pillarsOf(tx, ref.editionId));
    return {
      summary: `施策体系「${p.name}」を削除`,
      entries: [{ entity: 'pillar', entityKey: key, action: 'delete', before: { fiscalYear, name: p.name, tagline: p.tagline, subAreas: subs }, after: null }],
      value: undefined,
    };
  });
}

// ---- sub-areas -----------------------------------------------------------------------------------------

async function subAreasOf(tx: DbOrTx, pillarId: number) {
  return tx.select().from(t.subAreas).where(eq(t.subAreas.pillarId, pillarId)).orderBy(asc(t.subAreas.position), asc(t.subAreas.id));
}

async function subAreaOf(tx: DbOrTx, pillarId: number, key: string) {
  const [s] = await tx
    .select()
    .from(t.subAreas)
    .where(and(eq(t.subAreas.pillarId, pillarId), eq(t.subAreas.key, key)));
  if (!s) throw new WorkspaceError('その分野はこの施策体系にありません', 404);
  return s;
}

export function saveSubArea(db: Db, actor: Actor, fiscalYear: number, pillarKey: string, key: string | null, name: string): Promise<string> {
  return editionWrite(db, actor, fiscalYear, 'structure:sub-area', async (tx, ref) => {
    const p = await pillarOf(tx, ref.editionId, pillarKey);
    const all = await subAreasOf(tx, p.id);
    if (all.some((s) => s.name === name && s.key !== key)) throw new WorkspaceError(`施策体系「${p.name}」には同じ名前の分野「${name}」が既にあります`, 409);
    if (key === null) {
      // Sub-area keys are unique in the whole edition (initiatives and views name a sub-area by key alone),
      // and never reused within the plan.
      const newKey = nextKey(`${pillarKey}-s`, await keysEverUsed(tx, ref, 'sub-area', `${pillarKey}-s`));
      await tx.insert(t.subAreas).values({ pillarId: p.id, key: newKey, name, position: all.length });
      return {
        summary: `分野「${name}」を追加`,
        entries: [{ entity: 'sub-area', entityKey: newKey, action: 'insert', before: null, after: { fiscalYear, pillarKey, name } }],
        value: newKey,
      };
    }
    const s = all.find((x) => x.key === key);
    if (!s) throw new WorkspaceError('その分野はこの施策体系にありません', 404);
    if (s.name === name) return { summary: '', entries: [], value: key, unchanged: true };
    await tx
      .update(t.subAreas)
      .set({ name, updatedAt: new Date(), version: s.version + 1 })
      .where(eq(t.subAreas.id, s.id));
    return {
      summary: `分野「${s.name}」を変更`,
      entries: [{ entity: 'sub-area', entityKey: key, action: 'update', before: { fiscalYear, name: s.name }, after: { fiscalYear, name } }],
      value: key,
    };
  });
}

export function moveSubArea(db: Db, actor: Actor, fiscalYear: number, pillarKey: string, key: string, direction: MoveDirection): Promise<void> {
  return editionWrite(db, actor, fiscalYear, 'structure:sub-area-move', async (tx, ref) => {
    const p = await pillarOf(tx, ref.editionId, pillarKey);
    const m = await moveRow(tx, t.subAreas, await subAreasOf(tx, p.id), key, direction, '分野', 'その分野はこの施策体系にありません');
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return {
      summary: m.summary,
      entries: [{ entity: 'sub-area', entityKey: key, action: 'update', before: { fiscalYear, ...m.before }, after: { fiscalYear, ...m.after } }],
      value: undefined,
    };
  });
}

/** The grouping goes; its initiatives stay in the pillar, without a sub-area. */
export function deleteSubArea(db: Db, actor: Actor, fiscalYear: number, pillarKey: string, key: string): Promise<{ ungrouped: number }> {
  return editionWrite(db, actor, fiscalYear, 'structure:sub-area-delete', async (tx, ref) => {
    const p = await pillarOf(tx, ref.editionId, pillarKey);
    const s = await subAreaOf(tx, p.id, key);
    // Their placement changes, so a form opened before this must not save the old sub-area back.
    const members = await tx
      .update(t.initiativeYears)
      .set({ subAreaId: null, version: sql`${t.initiativeYears.version} + 1`, updatedAt: new Date() })
      .where(eq(t.initiativeYears.subAreaId, s.id))
      .returning({ id: t.initiativeYears.initiativeId });
    const keys = members.length
      ? (
          await tx
            .select({ key: t.initiatives.key })
            .from(t.initiatives)
            .where(
              inArray(
                t.initiatives.id,
                members.map((m) => m.id),
              ),
            )
        ).map((r) => r.key)
      : [];
    await tx.delete(t.subAreas).where(eq(t.subAreas.id, s.id));
    await setPositions(tx, t.subAreas, await subAreasOf(tx, p.id));
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return {
      summary: `分野「${s.name}」を削除（施策 ${keys.length} 件は分野なしに）`,
      entries: [
        { entity: 'sub-area', entityKey: key, action: 'delete', before: { fiscalYear, pillarKey, name: s.name }, after: null },
        ...keys.map(
          (k): AuditEntry => ({
            entity: 'initiative',
            entityKey: k,
            action: 'update',
            before: { fiscalYear, subAreaKey: key },
            after: { fiscalYear, subAreaKey: null },
          }),
        ),
      ],
      value: { ungrouped: keys.length },
    };
  });
}
