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
import { keysEverUsed, moveIn, moveRow, orderedItems, pillarsOf, setPositions } from './structure-order.ts';
import { planSettingsFor } from './plans.ts';
import type { Actor } from '../domain/roles.ts';
import { nextKey, type MoveDirection } from '../domain/structure.ts';
import { flattenGroups, groupLevels, groupTree, levelName } from '../domain/groups.ts';
import type { Pillar, PlanSettings } from '../domain/model.ts';

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

// ---- groups below the pillar (sub-areas, at every level) ----------------------------------------------

// A pillar's groups are one flat list of rows, each naming its parent (null: directly under the pillar).
// Their stored positions are kept in print order, the tree walked parents first (flattenGroups), so every
// reader that takes the flat list in position order (the print order of initiatives, the exports) prints
// a group's children right after it.

type SubAreaRow = typeof t.subAreas.$inferSelect;

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

/** The rows as the domain's pillar, for the group tree. */
function asPillar(p: { key: string; name: string }, rows: readonly SubAreaRow[]): Pillar {
  const keyOf = new Map(rows.map((r) => [r.id, r.key]));
  return {
    key: p.key,
    name: p.name,
    tagline: null,
    subAreas: rows.map((r) => {
      const parentKey = r.parentId === null ? undefined : keyOf.get(r.parentId);
      return parentKey === undefined ? { key: r.key, name: r.name } : { key: r.key, name: r.name, parentKey };
    }),
  };
}

/** The rows in print order: the tree walked parents first, children in their stored order. */
function inTreeOrder(p: { key: string; name: string }, rows: readonly SubAreaRow[]): SubAreaRow[] {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return flattenGroups(groupTree([asPillar(p, rows)]))
    .filter((n) => n.level > 1)
    .map((n) => byKey.get(n.key)!);
}

/** The rows that share a parent with `row`, in order. */
const siblingsOf = (rows: readonly SubAreaRow[], parentId: number | null) => rows.filter((r) => r.parentId === parentId);

/** The plan's name for a level, or 分野 where the plan has only one (today's word for a second level). */
function levelWord(settings: PlanSettings, level: number): string {
  return level === 2 && settings.levels.length < 2 ? '分野' : levelName(settings, level);
}

/**
 * Adds a group (key null) or renames one; returns its key. A new group sits directly under the pillar, or,
 * with `parentKey`, inside another group of the pillar, as long as it is within the plan's levels. Names are
 * unique among the groups that share a parent, which is how a workbook row names them level by level.
 */
export function saveSubArea(
  db: Db,
  actor: Actor,
  fiscalYear: number,
  pillarKey: string,
  key: string | null,
  name: string,
  opts: { parentKey?: string | null } = {},
): Promise<string> {
  return editionWrite(db, actor, fiscalYear, 'structure:sub-area', async (tx, ref) => {
    const p = await pillarOf(tx, ref.editionId, pillarKey);
    const all = await subAreasOf(tx, p.id);
    const settings = await planSettingsFor(tx, ref.organizationId, fiscalYear);
    const existing = key === null ? null : (all.find((x) => x.key === key) ?? null);
    if (key !== null && !existing) throw new WorkspaceError('その分野はこの施策体系にありません', 404);
    const parent = existing
      ? (all.find((x) => x.id === existing.parentId) ?? null)
      : opts.parentKey
        ? (all.find((x) => x.key === opts.parentKey) ?? null)
        : null;
    if (!existing && opts.parentKey && !parent) throw new WorkspaceError(`上の階層のグループ（${opts.parentKey}）は「${p.name}」にありません`, 404);
    const level = parent ? (groupLevels(asPillar(p, all)).get(parent.key) ?? 2) + 1 : 2;
    const word = levelWord(settings, level);
    if (!existing && parent && level > settings.levels.length)
      throw new WorkspaceError(`この計画の階層は${settings.levels.length}つまでです。「${parent.name}」の中にはグループを追加できません`);
    if (siblingsOf(all, parent?.id ?? null).some((s) => s.name === name && s.key !== key))
      throw new WorkspaceError(
        parent ? `「${parent.name}」には同じ名前の${word}「${name}」が既にあります` : `施策体系「${p.name}」には同じ名前の分野「${name}」が既にあります`,
        409,
      );
    if (!existing) {
      // Sub-area keys are unique in the whole edition (initiatives and views name a sub-area by key alone),
      // and never reused within the plan.
      const newKey = nextKey(`${pillarKey}-s`, await keysEverUsed(tx, ref, 'sub-area', `${pillarKey}-s`));
      await tx.insert(t.subAreas).values({ pillarId: p.id, key: newKey, name, parentId: parent?.id ?? null, position: all.length });
      await setPositions(tx, t.subAreas, inTreeOrder(p, await subAreasOf(tx, p.id)));
      await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
      return {
        summary: parent ? `${word}「${name}」を「${parent.name}」に追加` : `分野「${name}」を追加`,
        entries: [
          {
            entity: 'sub-area',
            entityKey: newKey,
            action: 'insert',
            before: null,
            after: { fiscalYear, pillarKey, name, ...(parent ? { parentKey: parent.key } : {}) },
          },
        ],
        value: newKey,
      };
    }
    const s = existing;
    if (s.name === name) return { summary: '', entries: [], value: s.key, unchanged: true };
    await tx
      .update(t.subAreas)
      .set({ name, updatedAt: new Date(), version: s.version + 1 })
      .where(eq(t.subAreas.id, s.id));
    return {
      summary: `分野「${s.name}」を変更`,
      entries: [{ entity: 'sub-area', entityKey: s.key, action: 'update', before: { fiscalYear, name: s.name }, after: { fiscalYear, name } }],
      value: s.key,
    };
  });
}

/** Up or down among the groups that share its parent; a group's own groups move with it. */
export function moveSubArea(db: Db, actor: Actor, fiscalYear: number, pillarKey: string, key: string, direction: MoveDirection): Promise<void> {
  return editionWrite(db, actor, fiscalYear, 'structure:sub-area-move', async (tx, ref) => {
    const p = await pillarOf(tx, ref.editionId, pillarKey);
    const all = inTreeOrder(p, await subAreasOf(tx, p.id));
    const me = all.find((r) => r.key === key);
    if (!me) throw new WorkspaceError('その分野はこの施策体系にありません', 404);
    const siblings = siblingsOf(all, me.parentId);
    const moved = moveIn(siblings, siblings.indexOf(me), direction, '分野');
    // The siblings take each other's places in the flat list; the tree order then brings each one's
    // children along.
    const slots = all.map((r, n) => (siblings.includes(r) ? n : -1)).filter((n) => n >= 0);
    const next = [...all];
    slots.forEach((slot, n) => (next[slot] = moved[n]!));
    await setPositions(tx, t.subAreas, inTreeOrder(p, next));
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return {
      summary: `分野「${me.name}」を${direction === 'up' ? '上' : '下'}へ移動`,
      entries: [
        {
          entity: 'sub-area',
          entityKey: key,
          action: 'update',
          before: { fiscalYear, order: siblings.map((r) => r.key) },
          after: { fiscalYear, order: moved.map((r) => r.key) },
        },
      ],
      value: undefined,
    };
  });
}

/**
 * The group goes; its initiatives move up to the group it was in (or, directly under the pillar, to no
 * group). Refused while it holds groups of its own, which would otherwise go with it unseen.
 */
export function deleteSubArea(db: Db, actor: Actor, fiscalYear: number, pillarKey: string, key: string): Promise<{ ungrouped: number }> {
  return editionWrite(db, actor, fiscalYear, 'structure:sub-area-delete', async (tx, ref) => {
    const p = await pillarOf(tx, ref.editionId, pillarKey);
    const s = await subAreaOf(tx, p.id, key);
    const all = await subAreasOf(tx, p.id);
    const children = all.filter((r) => r.parentId === s.id);
    if (children.length)
      throw new WorkspaceError(
        `「${s.name}」の中にグループ「${children.map((r) => r.name).join('」「')}」があります。先にそれらを削除してから「${s.name}」を削除してください`,
        409,
      );
    const parent = all.find((r) => r.id === s.parentId) ?? null;
    // Their placement changes, so a form opened before this must not save the old sub-area back.
    const members = await tx
      .update(t.initiativeYears)
      .set({ subAreaId: parent?.id ?? null, version: sql`${t.initiativeYears.version} + 1`, updatedAt: new Date() })
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
    await setPositions(tx, t.subAreas, inTreeOrder(p, await subAreasOf(tx, p.id)));
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return {
      summary: parent ? `「${s.name}」を削除（施策 ${keys.length} 件は「${parent.name}」に）` : `分野「${s.name}」を削除（施策 ${keys.length} 件は分野なしに）`,
      entries: [
        { entity: 'sub-area', entityKey: key, action: 'delete', before: { fiscalYear, pillarKey, name: s.name }, after: null },
        ...keys.map(
          (k): AuditEntry => ({
            entity: 'initiative',
            entityKey: k,
            action: 'update',
            before: { fiscalYear, subAreaKey: key },
            after: { fiscalYear, subAreaKey: parent?.key ?? null },
          }),
        ),
      ],
      value: { ungrouped: keys.length },
    };
  });
}
