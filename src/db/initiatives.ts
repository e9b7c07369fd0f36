// An initiative's identity and placement in one edition, edited by the admin: number, title, pillar,
// sub-area and departments; adding, moving, removing and renumbering. Apart from the pillar commands
// (structure.ts) because these lock and snapshot the initiative as the workspace form does.
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { loadInitiativeYears } from './edition-read.ts';
import type { AuditEntry } from './audit.ts';
import { departmentIds, UnknownDepartmentError } from './accounts.ts';
import { ConflictError, findRound, lastWriter, lockItem, snapshot } from './workspace-read.ts';
import { allow, editionWrite, WorkspaceError } from './command.ts';
import { moveIn, orderedItems, setPositions } from './structure-order.ts';
import { planSettingsFor } from './plans.ts';
import { departmentMissing } from '../domain/plan-rules.ts';
import type { Actor } from '../domain/roles.ts';
import { initiativeLabel, type Initiative } from '../domain/model.ts';
import { renumber, type MoveDirection } from '../domain/structure.ts';

// ---- an initiative's identity and placement -------------------------------------------------------------

export interface InitiativeIdentity {
  /** null prints as 新. */
  number: string | null;
  title: string;
  pillarKey: string;
  subAreaKey: string | null;
  departments: string[];
}

/**
 * Department names as typed (or one of their aliases) to ids; an unknown name is refused, not created. None
 * at all is refused where the plan requires a department (its departmentRequired setting).
 */
async function knownDepartments(tx: DbOrTx, at: { organizationId: number; fiscalYear: number }, names: string[]): Promise<{ id: number; name: string }[]> {
  try {
    const out = await departmentIds(tx, at.organizationId, names);
    if (
      departmentMissing(
        await planSettingsFor(tx, at.organizationId, at.fiscalYear),
        out.map((d) => d.name),
      )
    )
      throw new WorkspaceError('担当課所を入力してください');
    return out;
  } catch (e) {
    if (e instanceof UnknownDepartmentError)
      throw new WorkspaceError(`担当課所「${e.department}」は登録されていません。「担当課所」の画面で追加するか、正しい表記を選んでください`);
    throw e;
  }
}

async function placement(tx: DbOrTx, editionId: number, pillarKey: string, subAreaKey: string | null) {
  const [pillar] = await tx
    .select()
    .from(t.pillars)
    .where(and(eq(t.pillars.editionId, editionId), eq(t.pillars.key, pillarKey)));
  if (!pillar) throw new WorkspaceError('施策体系を選んでください');
  if (!subAreaKey) return { pillarId: pillar.id, subAreaId: null };
  const [sub] = await tx
    .select()
    .from(t.subAreas)
    .where(and(eq(t.subAreas.pillarId, pillar.id), eq(t.subAreas.key, subAreaKey)));
  if (!sub) throw new WorkspaceError(`分野は施策体系「${pillar.name}」の分野から選んでください`);
  return { pillarId: pillar.id, subAreaId: sub.id };
}

/**
 * Number, title, pillar, sub-area and departments of one initiative in one edition. Locked like the
 * content form: a save based on an older version is refused with the other person's change.
 */
export function updateIdentity(
  db: Db,
  actor: Actor,
  fiscalYear: number,
  key: string,
  expectedVersion: number,
  fields: InitiativeIdentity,
): Promise<{ version: number }> {
  allow(actor, 'manage');
  return editionWrite(db, actor, fiscalYear, 'structure:initiative', async (tx, ref) => {
    const { item } = await lockItem(tx, actor, fiscalYear, key);
    if (item.version !== expectedVersion) {
      const w = await lastWriter(tx, key, actor.organizationId);
      throw new ConflictError(item.initiative, item.version, w.by, w.at);
    }
    const place = await placement(tx, ref.editionId, fields.pillarKey, fields.subAreaKey);
    const depts = await knownDepartments(tx, ref, fields.departments);
    if (fields.number !== null) {
      const [taken] = await tx
        .select({ title: t.initiativeYears.title })
        .from(t.initiativeYears)
        .where(and(eq(t.initiativeYears.editionId, ref.editionId), eq(t.initiativeYears.number, fields.number), ne(t.initiativeYears.id, item.yearId)));
      if (taken) throw new WorkspaceError(`番号 ${fields.number} は「${taken.title}」が使っています`, 409);
    }
    const before = item.initiative;
    const after: Initiative = {
      ...before,
      number: fields.number,
      title: fields.title,
      pillarKey: fields.pillarKey,
      subAreaKey: fields.subAreaKey,
      departments: depts.map((d) => d.name),
    };
    // An unchanged save keeps the version, so a form someone else has open stays valid.
    if (JSON.stringify(before) === JSON.stringify(after)) return { summary: '', entries: [], value: { version: item.version }, unchanged: true };
    await tx
      .update(t.initiativeYears)
      .set({
        number: fields.number,
        title: fields.title,
        pillarId: place.pillarId,
        subAreaId: place.subAreaId,
        version: item.version + 1,
        updatedAt: new Date(),
      })
      .where(eq(t.initiativeYears.id, item.yearId));
    if (before.departments.join('\n') !== after.departments.join('\n')) {
      await tx.delete(t.initiativeDepartments).where(eq(t.initiativeDepartments.initiativeYearId, item.yearId));
      if (depts.length)
        await tx.insert(t.initiativeDepartments).values(depts.map((d, position) => ({ initiativeYearId: item.yearId, departmentId: d.id, position })));
    }
    // A move to another group puts the initiative at the end of it, where a person would look for it.
    if (before.pillarKey !== after.pillarKey || before.subAreaKey !== after.subAreaKey) {
      await tx.execute(
        sql`UPDATE initiative_years SET position = (SELECT max(position) + 1 FROM initiative_years WHERE edition_id = ${ref.editionId}) WHERE id = ${item.yearId}`,
      );
      const items = await orderedItems(tx, ref.editionId);
      await setPositions(tx, t.initiativeYears, items);
    }
    return {
      summary: `${initiativeLabel(before)} ${before.title} の基本情報を変更`,
      entries: [{ entity: 'initiative', entityKey: key, action: 'update', before: snapshot(before, fiscalYear), after: snapshot(after, fiscalYear) }],
      value: { version: item.version + 1 },
    };
  });
}

/** A new (新) initiative at the end of its pillar and sub-area, with the departments from the master. */
export function addInitiative(
  db: Db,
  actor: Actor,
  fiscalYear: number,
  fields: { title: string; pillarKey: string; subAreaKey: string | null; departments: string[]; content: string; plan: string },
): Promise<string> {
  return editionWrite(db, actor, fiscalYear, 'workspace:add', async (tx, ref) => {
    const place = await placement(tx, ref.editionId, fields.pillarKey, fields.subAreaKey);
    const depts = await knownDepartments(tx, ref, fields.departments);
    const key = `n${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const [pos] = await tx
      .select({ n: sql<number>`coalesce(max(${t.initiativeYears.position}), -1)::int` })
      .from(t.initiativeYears)
      .where(eq(t.initiativeYears.editionId, ref.editionId));
    const [identity] = await tx.insert(t.initiatives).values({ planId: ref.planId, key }).returning({ id: t.initiatives.id });
    // A new initiative has no results yet, so no year they are for: it is given when its results are
    // saved (saveInitiative), never assumed here.
    const [year] = await tx
      .insert(t.initiativeYears)
      .values({
        initiativeId: identity!.id,
        editionId: ref.editionId,
        ...place,
        position: pos!.n + 1,
        number: null,
        title: fields.title,
        status: 'new',
        content: fields.content,
        plan: fields.plan,
        resultsFiscalYear: null,
      })
      .returning({ id: t.initiativeYears.id });
    if (depts.length)
      await tx.insert(t.initiativeDepartments).values(depts.map((d, position) => ({ initiativeYearId: year!.id, departmentId: d.id, position })));
    const round = await findRound(tx, ref.editionId);
    if (round) await tx.insert(t.submissions).values({ roundId: round.id, initiativeYearId: year!.id });
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return {
      summary: `新 ${fields.title} を追加`,
      entries: [
        { entity: 'initiative', entityKey: key, action: 'insert', before: null, after: { fiscalYear, ...fields, departments: depts.map((d) => d.name) } },
      ],
      value: key,
    };
  });
}

/** Up or down among the initiatives of the same pillar and sub-area, which is how they are printed. */
export function moveInitiative(db: Db, actor: Actor, fiscalYear: number, key: string, direction: MoveDirection): Promise<void> {
  return editionWrite(db, actor, fiscalYear, 'structure:initiative-move', async (tx, ref) => {
    const items = await orderedItems(tx, ref.editionId);
    const index = items.findIndex((i) => i.initiative.key === key);
    if (index < 0) throw new WorkspaceError('その施策はこの版にありません', 404);
    const me = items[index]!.initiative;
    const group = items.filter((i) => i.initiative.pillarKey === me.pillarKey && i.initiative.subAreaKey === me.subAreaKey);
    const inGroup = group.findIndex((i) => i.initiative.key === key);
    const moved = moveIn(group, inGroup, direction, '施策');
    // The group's slots in the whole list stay where they are; only who sits in them changes.
    const members = new Set(group);
    const slots = items.map((i, n) => (members.has(i) ? n : -1)).filter((n) => n >= 0);
    const next = [...items];
    slots.forEach((slot, n) => (next[slot] = moved[n]!));
    await setPositions(tx, t.initiativeYears, next);
    return {
      summary: `${initiativeLabel(me)} ${me.title} を${direction === 'up' ? '上' : '下'}へ移動`,
      entries: [
        {
          entity: 'initiative',
          entityKey: key,
          action: 'update',
          before: { fiscalYear, position: inGroup + 1 },
          after: { fiscalYear, position: inGroup + 1 + (direction === 'up' ? -1 : 1) },
        },
      ],
      value: undefined,
    };
  });
}

/**
 * Takes an initiative out of this edition (earlier editions keep it), with the reason on record. Its
 * identity goes too when no edition holds it any more, and a KPI that pointed at it then points nowhere.
 */
export function removeInitiative(db: Db, actor: Actor, fiscalYear: number, key: string, reason: string): Promise<void> {
  if (!reason.trim()) throw new WorkspaceError('削除する理由を入力してください');
  allow(actor, 'manage');
  return editionWrite(db, actor, fiscalYear, 'structure:initiative-delete', async (tx, ref) => {
    const { item } = await lockItem(tx, actor, fiscalYear, key);
    await tx.delete(t.initiativeYears).where(eq(t.initiativeYears.id, item.yearId));
    const [identity] = await tx
      .select({ id: t.initiatives.id })
      .from(t.initiatives)
      .where(and(eq(t.initiatives.planId, ref.planId), eq(t.initiatives.key, key)));
    const [left] = await tx.select({ n: sql<number>`count(*)::int` }).from(t.initiativeYears).where(eq(t.initiativeYears.initiativeId, identity!.id));
    const entries: AuditEntry[] = [
      { entity: 'initiative', entityKey: key, action: 'delete', before: snapshot(item.initiative, fiscalYear), after: { fiscalYear, reason: reason.trim() } },
    ];
    if (left!.n === 0) {
      await tx.delete(t.initiatives).where(eq(t.initiatives.id, identity!.id));
      const unlinked = await tx
        .update(t.kpis)
        .set({ initiativeKey: null, updatedAt: new Date() })
        .where(and(eq(t.kpis.planId, ref.planId), eq(t.kpis.initiativeKey, key)))
        .returning({ key: t.kpis.key });
      for (const k of unlinked)
        entries.push({ entity: 'kpi', entityKey: k.key, action: 'update', before: { initiativeKey: key }, after: { initiativeKey: null } });
      if (unlinked.length)
        await tx
          .update(t.plans)
          .set({ version: sql`${t.plans.version} + 1`, updatedAt: new Date() })
          .where(eq(t.plans.id, ref.planId));
    }
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return {
      summary: `${initiativeLabel(item.initiative)} ${item.initiative.title} を${fiscalYear}年度版から削除: ${reason.trim()}`,
      entries,
      value: undefined,
    };
  });
}

/**
 * Numbers every initiative of the edition 01, 02, … in print order, as the next year's plan is printed
 * once new (新) initiatives have found their place. Returns how many numbers changed.
 */
export function renumberEdition(db: Db, actor: Actor, fiscalYear: number): Promise<number> {
  return editionWrite(db, actor, fiscalYear, 'structure:renumber', async (tx, ref) => {
    const items = await orderedItems(tx, ref.editionId);
    const numbers = renumber(items.length);
    const changed = items.map((i, n) => ({ ...i, next: numbers[n]! })).filter((i) => i.initiative.number !== i.next);
    // Whole snapshots of the renumbered ones only, for their history pages.
    const full = changed.length
      ? await loadInitiativeYears(
          tx,
          inArray(
            t.initiativeYears.id,
            changed.map((i) => i.id),
          ),
        )
      : [];
    const byId = new Map(full.map((r) => [r.id, r.initiative]));
    for (const i of changed) {
      await tx
        .update(t.initiativeYears)
        .set({ number: i.next, version: i.version + 1, updatedAt: new Date() })
        .where(eq(t.initiativeYears.id, i.id));
    }
    await setPositions(tx, t.initiativeYears, items);
    return {
      summary: `番号を振り直し（${changed.length} 件）`,
      entries: changed.map((i): AuditEntry => {
        const before = byId.get(i.id)!;
        return {
          entity: 'initiative',
          entityKey: i.initiative.key,
          action: 'update',
          before: snapshot(before, fiscalYear),
          after: snapshot({ ...before, number: i.next }, fiscalYear),
        };
      }),
      value: changed.length,
    };
  });
}
