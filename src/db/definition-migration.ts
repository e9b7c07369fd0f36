// What a confirmed change of a plan's definition removes from its editions: exactly what definitionLosses
// (src/domain/definition-change.ts) lists, so that no edition keeps a value its plan can no longer show.
// Groups deeper than the levels left go, their initiatives moving up to the deepest group kept (or to the
// pillar); a section taken away loses its values, one whose type changed keeps the values that read as the
// new type (in that type's form) and loses the others, a select keeps the choices still offered; an
// indicator kind taken away leaves its indicators without a kind; a hand-set grade the scale no longer
// holds goes, and so do schedule cells of a phase or unit gone, and milestones no longer used. Runs inside
// updatePlan's transaction (db/plans.ts), every change with its audit entry; every edition is changed,
// published ones too, since the plan's settings are theirs as well (their published copy is what the
// portal shows until they are next published, decision 0007).
import { eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from './client.ts';
import * as t from './schema.ts';
import type { AuditEntry } from './audit.ts';
import { bumpEdition } from './audit.ts';
import { loadInitiativeYears, type EditionRef } from './edition-read.ts';
import { orderedItems, setPositions } from './structure-order.ts';
import { snapshot } from './workspace-read.ts';
import { parseFieldValue } from '../domain/field-values.ts';
import { effectiveParents, groupLevels } from '../domain/groups.ts';
import { shapeColumns, withShape } from '../domain/shape.ts';
import { planFields, type FieldValue, type Initiative, type Pillar, type PlanSettings } from '../domain/model.ts';
import { sameValue } from './initiative-shape.ts';

/** The initiative as the plan `after` can hold it, given it was held under `before`. Pure. */
export function conformInitiative(i: Initiative, before: PlanSettings, after: PlanSettings): Initiative {
  const out: Initiative = { ...i };
  const fields: Record<string, FieldValue> = { ...(i.fields ?? {}) };
  const next = new Map(planFields(after).map((f) => [f.key, f]));
  for (const f of planFields(before)) {
    const builtin = f.key === 'content' || f.key === 'plan';
    const value: FieldValue | undefined = f.key === 'content' ? i.content : f.key === 'plan' ? i.plan : fields[f.key];
    if (value === undefined || value === '') continue;
    const to = next.get(f.key);
    let kept: FieldValue | null = value;
    if (!to) kept = null;
    else if (to.type !== f.type || to.type === 'select') {
      const r = parseFieldValue(to, value);
      kept = r.ok ? r.value : null;
    }
    if (builtin) out[f.key as 'content' | 'plan'] = typeof kept === 'string' ? kept : '';
    else if (kept === null) delete fields[f.key];
    else fields[f.key] = kept;
  }
  const kinds = new Set(after.indicatorKinds ?? []);
  const gone = new Set((before.indicatorKinds ?? []).filter((k) => !kinds.has(k)));
  const indicators = (i.indicators ?? []).map((x) => (x.kind !== null && gone.has(x.kind) ? { ...x, kind: null } : x));
  let grade = i.grade;
  if (grade && before.grades) {
    const left = after.grades ? new Set([...after.grades.scale.map((s) => s.grade), after.grades.unrated.grade]) : new Set<string>();
    const known = new Set([...before.grades.scale.map((s) => s.grade), before.grades.unrated.grade]);
    if (known.has(grade.grade) && !left.has(grade.grade)) grade = undefined;
  }
  let schedule = i.schedule ?? [];
  let milestones = i.milestones ?? [];
  if (before.schedule) {
    if (!after.schedule) [schedule, milestones] = [[], []];
    else {
      if (before.schedule.unit !== after.schedule.unit) schedule = [];
      const phases = new Set(after.schedule.phases);
      const goneP = new Set(before.schedule.phases.filter((p) => !phases.has(p)));
      schedule = schedule.filter((c) => !goneP.has(c.phase));
      if (before.schedule.milestones && !after.schedule.milestones) milestones = [];
    }
  }
  return withShape(out, { fields, indicators, grade: grade ?? null, schedule, milestones });
}

/** The groups of a pillar deeper than `levels`, each with the group its initiatives move to (null: the pillar). */
export function groupsBeyond(pillar: Pillar, levels: number): { key: string; name: string; level: number; to: string | null }[] {
  const level = groupLevels(pillar);
  const parent = effectiveParents(pillar);
  const out: { key: string; name: string; level: number; to: string | null }[] = [];
  for (const s of pillar.subAreas) {
    const l = level.get(s.key);
    if (l === undefined || l <= levels) continue;
    let to: string | null = parent.get(s.key) ?? null;
    while (to !== null && (level.get(to) ?? 2) > levels) to = parent.get(to) ?? null;
    out.push({ key: s.key, name: s.name, level: l, to: levels >= 2 ? to : null });
  }
  return out;
}

/**
 * Removes from every edition what the change from `before` to `after` would leave without a place, and
 * returns the audit entries. `editions` are the plan's editions as loaded before the change.
 */
export async function dropDefinitionLosses(
  tx: Tx,
  editions: { ref: EditionRef; fiscalYear: number; pillars: Pillar[] }[],
  before: PlanSettings,
  after: PlanSettings,
): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (const e of editions) {
    let touched = false;
    const fiscalYear = e.fiscalYear;
    // Groups deeper than the levels left: their initiatives move up first, then the groups go.
    if (after.levels.length < before.levels.length) {
      const pillarRows = await tx.select().from(t.pillars).where(eq(t.pillars.editionId, e.ref.editionId));
      for (const p of e.pillars) {
        const row = pillarRows.find((r) => r.key === p.key);
        if (!row) continue;
        const beyond = groupsBeyond(p, after.levels.length);
        if (!beyond.length) continue;
        touched = true;
        const subRows = await tx.select().from(t.subAreas).where(eq(t.subAreas.pillarId, row.id));
        const idOf = new Map(subRows.map((r) => [r.key, r.id]));
        for (const g of beyond) {
          const moved = await tx
            .update(t.initiativeYears)
            .set({ subAreaId: g.to === null ? null : (idOf.get(g.to) ?? null), version: sql`${t.initiativeYears.version} + 1`, updatedAt: new Date() })
            .where(eq(t.initiativeYears.subAreaId, idOf.get(g.key)!))
            .returning({ id: t.initiativeYears.initiativeId });
          const keys = moved.length
            ? await tx
                .select({ key: t.initiatives.key })
                .from(t.initiatives)
                .where(
                  inArray(
                    t.initiatives.id,
                    moved.map((m) => m.id),
                  ),
                )
            : [];
          for (const k of keys)
            entries.push({
              entity: 'initiative',
              entityKey: k.key,
              action: 'update',
              before: { fiscalYear, subAreaKey: g.key },
              after: { fiscalYear, subAreaKey: g.to },
            });
          entries.push({
            entity: 'sub-area',
            entityKey: g.key,
            action: 'delete',
            before: { fiscalYear, pillarKey: p.key, name: g.name, level: g.level },
            after: null,
          });
        }
        // Deepest first: a parent's removal would otherwise take its children with it (ON DELETE CASCADE).
        for (const g of [...beyond].sort((a, b) => b.level - a.level)) await tx.delete(t.subAreas).where(eq(t.subAreas.id, idOf.get(g.key)!));
        const left = await tx.select().from(t.subAreas).where(eq(t.subAreas.pillarId, row.id));
        await setPositions(
          tx,
          t.subAreas,
          left.sort((a, b) => a.position - b.position || a.id - b.id),
        );
      }
      if (touched) await setPositions(tx, t.initiativeYears, await orderedItems(tx, e.ref.editionId));
    }
    // The shape parts of each initiative.
    for (const y of await loadInitiativeYears(tx, eq(t.initiativeYears.editionId, e.ref.editionId))) {
      const next = conformInitiative(y.initiative, before, after);
      if (sameValue(next, y.initiative)) continue;
      touched = true;
      await tx
        .update(t.initiativeYears)
        .set({ content: next.content, plan: next.plan, ...shapeColumns(next), version: y.version + 1, updatedAt: new Date() })
        .where(eq(t.initiativeYears.id, y.id));
      entries.push({
        entity: 'initiative',
        entityKey: y.initiative.key,
        action: 'update',
        before: snapshot(y.initiative, fiscalYear),
        after: snapshot(next, fiscalYear),
      });
    }
    if (touched) await bumpEdition(tx, e.ref.editionId);
  }
  return entries;
}
