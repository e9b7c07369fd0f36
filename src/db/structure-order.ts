// Order and keys shared by the structure commands: positions rewritten in print order, a row moved up or
// down, the edition's initiatives in print order, and new keys that never reuse an old one. Its own
// module so that the pillar, initiative and KPI commands can all use it without importing each other.
import { and, asc, eq, inArray, like, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from './client.ts';
import * as t from './schema.ts';
import { WorkspaceError, type EditionAt } from './command.ts';
import { displayOrder, reorder, type MoveDirection } from '../domain/structure.ts';

export type Positioned = typeof t.pillars | typeof t.subAreas | typeof t.kpis | typeof t.initiativeYears;

/** Writes position = index for rows listed in their new order, touching only the rows that moved. */
export async function setPositions(tx: Tx, table: Positioned, rows: { id: number; position: number }[]) {
  const moved = rows.map((r, position) => ({ id: r.id, position, was: r.position })).filter((r) => r.position !== r.was);
  if (!moved.length) return;
  const values = sql.join(
    moved.map((r) => sql`(${r.id}::int, ${r.position}::int)`),
    sql`, `,
  );
  await tx.execute(sql`UPDATE ${table} AS x SET position = v.position FROM (VALUES ${values}) AS v(id, position) WHERE x.id = v.id`);
}

export function moveIn<R extends { id: number; position: number }>(rows: R[], index: number, direction: MoveDirection, what: string): R[] {
  const next = reorder(rows, index, direction);
  if (!next) throw new WorkspaceError(direction === 'up' ? `この${what}は先頭です` : `この${what}は末尾です`);
  return next;
}

/**
 * Moves the row with `key` one place up or down in its ordered list and stores the new positions; the
 * audit's before/after are the list's keys in order.
 */
export async function moveRow<R extends { id: number; position: number; key: string; name: string }>(
  tx: Tx,
  table: Positioned,
  rows: R[],
  key: string,
  direction: MoveDirection,
  what: string,
  missing: string,
) {
  const index = rows.findIndex((r) => r.key === key);
  if (index < 0) throw new WorkspaceError(missing, 404);
  const next = moveIn(rows, index, direction, what);
  await setPositions(tx, table, next);
  return {
    summary: `${what}「${rows[index]!.name}」を${direction === 'up' ? '上' : '下'}へ移動`,
    before: { order: rows.map((r) => r.key) },
    after: { order: next.map((r) => r.key) },
  };
}

/**
 * Every key of this kind the plan has ever used: in any of its editions (or, for KPIs, the plan), and in
 * the audit log, which remembers the deleted ones. A new key is one more than all of them, so a key never
 * comes back with another meaning, and a diff against an earlier edition never shows a false move. The
 * plan row is locked so that two drafts of one plan cannot hand out the same key at once.
 */
export async function keysEverUsed(tx: Tx, ref: EditionAt, entity: 'pillar' | 'sub-area' | 'kpi', prefix: string): Promise<string[]> {
  await tx.select({ id: t.plans.id }).from(t.plans).where(eq(t.plans.id, ref.planId)).for('update');
  const current =
    entity === 'pillar'
      ? await tx
          .select({ key: t.pillars.key })
          .from(t.pillars)
          .innerJoin(t.editions, eq(t.editions.id, t.pillars.editionId))
          .where(eq(t.editions.planId, ref.planId))
      : entity === 'sub-area'
        ? await tx
            .select({ key: t.subAreas.key })
            .from(t.subAreas)
            .innerJoin(t.pillars, eq(t.pillars.id, t.subAreas.pillarId))
            .innerJoin(t.editions, eq(t.editions.id, t.pillars.editionId))
            .where(eq(t.editions.planId, ref.planId))
        : await tx.select({ key: t.kpis.key }).from(t.kpis).where(eq(t.kpis.planId, ref.planId));
  const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
  const audited = await tx
    .selectDistinct({ key: t.auditLog.entityKey })
    .from(t.auditLog)
    .innerJoin(t.changeSets, eq(t.changeSets.id, t.auditLog.changeSetId))
    .where(and(eq(t.changeSets.organizationId, ref.organizationId), eq(t.auditLog.entity, entity), like(t.auditLog.entityKey, `${escaped}%`)));
  return [...current, ...audited].map((r) => r.key);
}

/** The edition's pillars in order. */
export async function pillarsOf(tx: DbOrTx, editionId: number) {
  return tx.select().from(t.pillars).where(eq(t.pillars.editionId, editionId)).orderBy(asc(t.pillars.position), asc(t.pillars.id));
}

/**
 * The edition's initiative-years in print order, as rows that can be repositioned: only what ordering
 * needs, so a move in a large edition does not read every result and department.
 */
export async function orderedItems(tx: DbOrTx, editionId: number) {
  const rows = await tx
    .select({
      id: t.initiativeYears.id,
      position: t.initiativeYears.position,
      version: t.initiativeYears.version,
      key: t.initiatives.key,
      number: t.initiativeYears.number,
      title: t.initiativeYears.title,
      pillarKey: t.pillars.key,
      subAreaKey: t.subAreas.key,
    })
    .from(t.initiativeYears)
    .innerJoin(t.initiatives, eq(t.initiatives.id, t.initiativeYears.initiativeId))
    .innerJoin(t.pillars, eq(t.pillars.id, t.initiativeYears.pillarId))
    .leftJoin(t.subAreas, eq(t.subAreas.id, t.initiativeYears.subAreaId))
    .where(eq(t.initiativeYears.editionId, editionId));
  const pillars = await pillarsOf(tx, editionId);
  const subs = pillars.length
    ? await tx
        .select({ key: t.subAreas.key, pillarId: t.subAreas.pillarId, position: t.subAreas.position })
        .from(t.subAreas)
        .where(
          inArray(
            t.subAreas.pillarId,
            pillars.map((p) => p.id),
          ),
        )
    : [];
  const subKeys = new Map(
    pillars.map((p) => [
      p.key,
      subs
        .filter((s) => s.pillarId === p.id)
        .sort((a, b) => a.position - b.position)
        .map((s) => s.key),
    ]),
  );
  return displayOrder(
    rows.map((r) => ({
      id: r.id,
      position: r.position,
      version: r.version,
      initiative: { key: r.key, number: r.number, title: r.title, pillarKey: r.pillarKey, subAreaKey: r.subAreaKey },
    })),
    pillars.map((p) => p.key),
    (pillarKey) => subKeys.get(pillarKey) ?? [],
  );
}
