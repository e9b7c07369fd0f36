// The plan's master data, edited by the admin: pillars and sub-areas (per edition), an initiative's
// number, title, placement and departments, KPI definitions (per plan) and the department master (per
// organization). One command per write, as in workspace.ts: permission first, one transaction with the
// owning row locked, one change set; a published edition is locked until reopened. After every change of
// structure the initiatives' stored positions are rewritten in print order, so every list, export and
// report that reads them in position order prints them as the portal does.
import { and, asc, eq, inArray, like, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from './client.ts';
import * as t from './schema.ts';
import { loadDepartments, loadInitiativeYears, loadKpis, type AuditEntry } from './repository.ts';
import { departmentIds, UnknownDepartmentError } from './accounts.ts';
import { ConflictError, findRound, lastWriter, lockItem, snapshot } from './workspace.ts';
import { allow, editionOf, editionWrite, organizationWrite, planWrite, WorkspaceError, type EditionAt } from './command.ts';
import type { Actor } from '../domain/roles.ts';
import { initiativeLabel, type Initiative, type Kpi } from '../domain/model.ts';
import { displayOrder, nextKey, renumber, reorder, type MoveDirection } from '../domain/structure.ts';

type Positioned = typeof t.pillars | typeof t.subAreas | typeof t.kpis | typeof t.initiativeYears;

/** Writes position = index for rows listed in their new order, touching only the rows that moved. */
async function setPositions(tx: Tx, table: Positioned, rows: { id: number; position: number }[]) {
  const moved = rows.map((r, position) => ({ id: r.id, position, was: r.position })).filter((r) => r.position !== r.was);
  if (!moved.length) return;
  const values = sql.join(
    moved.map((r) => sql`(${r.id}::int, ${r.position}::int)`),
    sql`, `,
  );
  await tx.execute(sql`UPDATE ${table} AS x SET position = v.position FROM (VALUES ${values}) AS v(id, position) WHERE x.id = v.id`);
}

function moveIn<R extends { id: number; position: number }>(rows: R[], index: number, direction: MoveDirection, what: string): R[] {
  const next = reorder(rows, index, direction);
  if (!next) throw new WorkspaceError(direction === 'up' ? `この${what}は先頭です` : `この${what}は末尾です`);
  return next;
}

/**
 * Moves the row with `key` one place up or down in its ordered list and stores the new positions; the
 * audit's before/after are the list's keys in order.
 */
async function moveRow<R extends { id: number; position: number; key: string; name: string }>(tx: Tx, table: Positioned, rows: R[], key: string, direction: MoveDirection, what: string, missing: string) {
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
async function keysEverUsed(tx: Tx, ref: EditionAt, entity: 'pillar' | 'sub-area' | 'kpi', prefix: string): Promise<string[]> {
  await tx.select({ id: t.plans.id }).from(t.plans).where(eq(t.plans.id, ref.planId)).for('update');
  const current =
    entity === 'pillar'
      ? await tx.select({ key: t.pillars.key }).from(t.pillars).innerJoin(t.editions, eq(t.editions.id, t.pillars.editionId)).where(eq(t.editions.planId, ref.planId))
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

// ---- pillars -----------------------------------------------------------------------------------------

export interface PillarFields {
  name: string;
  tagline: string | null;
}

async function pillarsOf(tx: DbOrTx, editionId: number) {
  return tx.select().from(t.pillars).where(eq(t.pillars.editionId, editionId)).orderBy(asc(t.pillars.position), asc(t.pillars.id));
}

async function pillarOf(tx: DbOrTx, editionId: number, key: string) {
  const [p] = await tx.select().from(t.pillars).where(and(eq(t.pillars.editionId, editionId), eq(t.pillars.key, key)));
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
      return { summary: `施策体系「${fields.name}」を追加`, entries: [{ entity: 'pillar', entityKey: newKey, action: 'insert', before: null, after: { fiscalYear, ...fields } }], value: newKey };
    }
    const p = all.find((x) => x.key === key);
    if (!p) throw new WorkspaceError('その施策体系はこの版にありません', 404);
    if (p.name === fields.name && p.tagline === fields.tagline) return { summary: '', entries: [], value: key, unchanged: true };
    await tx.update(t.pillars).set({ name: fields.name, tagline: fields.tagline, updatedAt: new Date(), version: p.version + 1 }).where(eq(t.pillars.id, p.id));
    return {
      summary: `施策体系「${p.name}」を変更`,
      entries: [{ entity: 'pillar', entityKey: key, action: 'update', before: { fiscalYear, name: p.name, tagline: p.tagline }, after: { fiscalYear, ...fields } }],
      value: key,
    };
  });
}

export function movePillar(db: Db, actor: Actor, fiscalYear: number, key: string, direction: MoveDirection): Promise<void> {
  return editionWrite(db, actor, fiscalYear, 'structure:pillar-move', async (tx, ref) => {
    const m = await moveRow(tx, t.pillars, await pillarsOf(tx, ref.editionId), key, direction, '施策体系', 'その施策体系はこの版にありません');
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return { summary: m.summary, entries: [{ entity: 'pillar', entityKey: key, action: 'update', before: { fiscalYear, ...m.before }, after: { fiscalYear, ...m.after } }], value: undefined };
  });
}

/** Only an empty pillar can go: its initiatives are moved first, and no KPI may still count under it. */
export function deletePillar(db: Db, actor: Actor, fiscalYear: number, key: string): Promise<void> {
  return editionWrite(db, actor, fiscalYear, 'structure:pillar-delete', async (tx, ref) => {
    const p = await pillarOf(tx, ref.editionId, key);
    const [used] = await tx.select({ n: sql<number>`count(*)::int` }).from(t.initiativeYears).where(eq(t.initiativeYears.pillarId, p.id));
    if (used!.n > 0) throw new WorkspaceError(`施策体系「${p.name}」には施策が ${used!.n} 件あります。先に施策を別の施策体系へ移してください`, 409);
    const kpis = await tx.select({ name: t.kpis.name }).from(t.kpis).where(and(eq(t.kpis.planId, ref.planId), eq(t.kpis.pillarKey, key)));
    if (kpis.length) throw new WorkspaceError(`KPI「${kpis.map((k) => k.name).join('」「')}」がこの施策体系に属しています。先に KPI の施策体系を変えてください`, 409);
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
  const [s] = await tx.select().from(t.subAreas).where(and(eq(t.subAreas.pillarId, pillarId), eq(t.subAreas.key, key)));
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
      return { summary: `分野「${name}」を追加`, entries: [{ entity: 'sub-area', entityKey: newKey, action: 'insert', before: null, after: { fiscalYear, pillarKey, name } }], value: newKey };
    }
    const s = all.find((x) => x.key === key);
    if (!s) throw new WorkspaceError('その分野はこの施策体系にありません', 404);
    if (s.name === name) return { summary: '', entries: [], value: key, unchanged: true };
    await tx.update(t.subAreas).set({ name, updatedAt: new Date(), version: s.version + 1 }).where(eq(t.subAreas.id, s.id));
    return { summary: `分野「${s.name}」を変更`, entries: [{ entity: 'sub-area', entityKey: key, action: 'update', before: { fiscalYear, name: s.name }, after: { fiscalYear, name } }], value: key };
  });
}

export function moveSubArea(db: Db, actor: Actor, fiscalYear: number, pillarKey: string, key: string, direction: MoveDirection): Promise<void> {
  return editionWrite(db, actor, fiscalYear, 'structure:sub-area-move', async (tx, ref) => {
    const p = await pillarOf(tx, ref.editionId, pillarKey);
    const m = await moveRow(tx, t.subAreas, await subAreasOf(tx, p.id), key, direction, '分野', 'その分野はこの施策体系にありません');
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return { summary: m.summary, entries: [{ entity: 'sub-area', entityKey: key, action: 'update', before: { fiscalYear, ...m.before }, after: { fiscalYear, ...m.after } }], value: undefined };
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
    const keys = members.length ? (await tx.select({ key: t.initiatives.key }).from(t.initiatives).where(inArray(t.initiatives.id, members.map((m) => m.id)))).map((r) => r.key) : [];
    await tx.delete(t.subAreas).where(eq(t.subAreas.id, s.id));
    await setPositions(tx, t.subAreas, await subAreasOf(tx, p.id));
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return {
      summary: `分野「${s.name}」を削除（施策 ${keys.length} 件は分野なしに）`,
      entries: [
        { entity: 'sub-area', entityKey: key, action: 'delete', before: { fiscalYear, pillarKey, name: s.name }, after: null },
        ...keys.map((k): AuditEntry => ({ entity: 'initiative', entityKey: k, action: 'update', before: { fiscalYear, subAreaKey: key }, after: { fiscalYear, subAreaKey: null } })),
      ],
      value: { ungrouped: keys.length },
    };
  });
}

// ---- an initiative's identity and placement -------------------------------------------------------------

export interface InitiativeIdentity {
  /** null prints as 新. */
  number: string | null;
  title: string;
  pillarKey: string;
  subAreaKey: string | null;
  departments: string[];
}

/** Department names as typed (or one of their aliases) to ids; an unknown name is refused, not created. */
async function knownDepartments(tx: DbOrTx, organizationId: number, names: string[]): Promise<{ id: number; name: string }[]> {
  try {
    const out = await departmentIds(tx, organizationId, names);
    if (!out.length) throw new WorkspaceError('担当課所を入力してください');
    return out;
  } catch (e) {
    if (e instanceof UnknownDepartmentError) throw new WorkspaceError(`担当課所「${e.department}」は登録されていません。「担当課所」の画面で追加するか、正しい表記を選んでください`);
    throw e;
  }
}

async function placement(tx: DbOrTx, editionId: number, pillarKey: string, subAreaKey: string | null) {
  const [pillar] = await tx.select().from(t.pillars).where(and(eq(t.pillars.editionId, editionId), eq(t.pillars.key, pillarKey)));
  if (!pillar) throw new WorkspaceError('施策体系を選んでください');
  if (!subAreaKey) return { pillarId: pillar.id, subAreaId: null };
  const [sub] = await tx.select().from(t.subAreas).where(and(eq(t.subAreas.pillarId, pillar.id), eq(t.subAreas.key, subAreaKey)));
  if (!sub) throw new WorkspaceError(`分野は施策体系「${pillar.name}」の分野から選んでください`);
  return { pillarId: pillar.id, subAreaId: sub.id };
}

/**
 * The edition's initiative-years in print order, as rows that can be repositioned: only what ordering
 * needs, so a move in a large edition does not read every result and department.
 */
async function orderedItems(tx: DbOrTx, editionId: number) {
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
  const subs = pillars.length ? await tx.select({ key: t.subAreas.key, pillarId: t.subAreas.pillarId, position: t.subAreas.position }).from(t.subAreas).where(inArray(t.subAreas.pillarId, pillars.map((p) => p.id))) : [];
  const subKeys = new Map(pillars.map((p) => [p.key, subs.filter((s) => s.pillarId === p.id).sort((a, b) => a.position - b.position).map((s) => s.key)]));
  return displayOrder(
    rows.map((r) => ({ id: r.id, position: r.position, version: r.version, initiative: { key: r.key, number: r.number, title: r.title, pillarKey: r.pillarKey, subAreaKey: r.subAreaKey } })),
    pillars.map((p) => p.key),
    (pillarKey) => subKeys.get(pillarKey) ?? [],
  );
}

/**
 * Number, title, pillar, sub-area and departments of one initiative in one edition. Locked like the
 * content form: a save based on an older version is refused with the other person's change.
 */
export function updateIdentity(db: Db, actor: Actor, fiscalYear: number, key: string, expectedVersion: number, fields: InitiativeIdentity): Promise<{ version: number }> {
  allow(actor, 'manage');
  return editionWrite(db, actor, fiscalYear, 'structure:initiative', async (tx, ref) => {
    const { item } = await lockItem(tx, actor, fiscalYear, key);
    if (item.version !== expectedVersion) {
      const w = await lastWriter(tx, key);
      throw new ConflictError(item.initiative, item.version, w.by, w.at);
    }
    const place = await placement(tx, ref.editionId, fields.pillarKey, fields.subAreaKey);
    const depts = await knownDepartments(tx, ref.organizationId, fields.departments);
    if (fields.number !== null) {
      const [taken] = await tx
        .select({ title: t.initiativeYears.title })
        .from(t.initiativeYears)
        .where(and(eq(t.initiativeYears.editionId, ref.editionId), eq(t.initiativeYears.number, fields.number), ne(t.initiativeYears.id, item.yearId)));
      if (taken) throw new WorkspaceError(`番号 ${fields.number} は「${taken.title}」が使っています`, 409);
    }
    const before = item.initiative;
    const after: Initiative = { ...before, number: fields.number, title: fields.title, pillarKey: fields.pillarKey, subAreaKey: fields.subAreaKey, departments: depts.map((d) => d.name) };
    // An unchanged save keeps the version, so a form someone else has open stays valid.
    if (JSON.stringify(before) === JSON.stringify(after)) return { summary: '', entries: [], value: { version: item.version }, unchanged: true };
    await tx
      .update(t.initiativeYears)
      .set({ number: fields.number, title: fields.title, pillarId: place.pillarId, subAreaId: place.subAreaId, version: item.version + 1, updatedAt: new Date() })
      .where(eq(t.initiativeYears.id, item.yearId));
    if (before.departments.join('\n') !== after.departments.join('\n')) {
      await tx.delete(t.initiativeDepartments).where(eq(t.initiativeDepartments.initiativeYearId, item.yearId));
      await tx.insert(t.initiativeDepartments).values(depts.map((d, position) => ({ initiativeYearId: item.yearId, departmentId: d.id, position })));
    }
    // A move to another group puts the initiative at the end of it, where a person would look for it.
    if (before.pillarKey !== after.pillarKey || before.subAreaKey !== after.subAreaKey) {
      await tx.execute(sql`UPDATE initiative_years SET position = (SELECT max(position) + 1 FROM initiative_years WHERE edition_id = ${ref.editionId}) WHERE id = ${item.yearId}`);
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
    const depts = await knownDepartments(tx, ref.organizationId, fields.departments);
    const key = `n${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const [pos] = await tx.select({ n: sql<number>`coalesce(max(${t.initiativeYears.position}), -1)::int` }).from(t.initiativeYears).where(eq(t.initiativeYears.editionId, ref.editionId));
    const [identity] = await tx.insert(t.initiatives).values({ planId: ref.planId, key }).returning({ id: t.initiatives.id });
    const [year] = await tx
      .insert(t.initiativeYears)
      .values({ initiativeId: identity!.id, editionId: ref.editionId, ...place, position: pos!.n + 1, number: null, title: fields.title, status: 'new', content: fields.content, plan: fields.plan, resultsFiscalYear: fiscalYear - 1 })
      .returning({ id: t.initiativeYears.id });
    await tx.insert(t.initiativeDepartments).values(depts.map((d, position) => ({ initiativeYearId: year!.id, departmentId: d.id, position })));
    const round = await findRound(tx, ref.editionId);
    if (round) await tx.insert(t.submissions).values({ roundId: round.id, initiativeYearId: year!.id });
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return {
      summary: `新 ${fields.title} を追加`,
      entries: [{ entity: 'initiative', entityKey: key, action: 'insert', before: null, after: { fiscalYear, ...fields, departments: depts.map((d) => d.name) } }],
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
      entries: [{ entity: 'initiative', entityKey: key, action: 'update', before: { fiscalYear, position: inGroup + 1 }, after: { fiscalYear, position: inGroup + 1 + (direction === 'up' ? -1 : 1) } }],
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
    const [identity] = await tx.select({ id: t.initiatives.id }).from(t.initiatives).where(and(eq(t.initiatives.planId, ref.planId), eq(t.initiatives.key, key)));
    const [left] = await tx.select({ n: sql<number>`count(*)::int` }).from(t.initiativeYears).where(eq(t.initiativeYears.initiativeId, identity!.id));
    const entries: AuditEntry[] = [{ entity: 'initiative', entityKey: key, action: 'delete', before: snapshot(item.initiative, fiscalYear), after: { fiscalYear, reason: reason.trim() } }];
    if (left!.n === 0) {
      await tx.delete(t.initiatives).where(eq(t.initiatives.id, identity!.id));
      const unlinked = await tx.update(t.kpis).set({ initiativeKey: null, updatedAt: new Date() }).where(and(eq(t.kpis.planId, ref.planId), eq(t.kpis.initiativeKey, key))).returning({ key: t.kpis.key });
      for (const k of unlinked) entries.push({ entity: 'kpi', entityKey: k.key, action: 'update', before: { initiativeKey: key }, after: { initiativeKey: null } });
      if (unlinked.length) await tx.update(t.plans).set({ version: sql`${t.plans.version} + 1`, updatedAt: new Date() }).where(eq(t.plans.id, ref.planId));
    }
    await setPositions(tx, t.initiativeYears, await orderedItems(tx, ref.editionId));
    return { summary: `${initiativeLabel(item.initiative)} ${item.initiative.title} を${fiscalYear}年度版から削除: ${reason.trim()}`, entries, value: undefined };
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
    const full = changed.length ? await loadInitiativeYears(tx, inArray(t.initiativeYears.id, changed.map((i) => i.id))) : [];
    const byId = new Map(full.map((r) => [r.id, r.initiative]));
    for (const i of changed) {
      await tx.update(t.initiativeYears).set({ number: i.next, version: i.version + 1, updatedAt: new Date() }).where(eq(t.initiativeYears.id, i.id));
    }
    await setPositions(tx, t.initiativeYears, items);
    return {
      summary: `番号を振り直し（${changed.length} 件）`,
      entries: changed.map((i): AuditEntry => {
        const before = byId.get(i.id)!;
        return { entity: 'initiative', entityKey: i.initiative.key, action: 'update', before: snapshot(before, fiscalYear), after: snapshot({ ...before, number: i.next }, fiscalYear) };
      }),
      value: changed.length,
    };
  });
}

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
  return { name: k.name, pillarKey: k.pillarKey, unit: k.unit, target: k.target, targetFiscalYear: k.targetFiscalYear, direction: k.direction, baseline: k.baseline, initiativeKey: k.initiativeKey };
}

async function checkKpi(tx: DbOrTx, ref: EditionAt, fields: KpiFields) {
  const [plan] = await tx.select().from(t.plans).where(eq(t.plans.id, ref.planId));
  if (fields.targetFiscalYear < plan!.startFiscalYear || fields.targetFiscalYear > plan!.endFiscalYear) {
    throw new WorkspaceError(`目標年度は計画期間（${plan!.startFiscalYear}〜${plan!.endFiscalYear}年度）の中で選んでください`);
  }
  const [pillar] = await tx.select({ id: t.pillars.id }).from(t.pillars).where(and(eq(t.pillars.editionId, ref.editionId), eq(t.pillars.key, fields.pillarKey)));
  if (!pillar) throw new WorkspaceError('施策体系を選んでください');
  if (fields.initiativeKey) {
    const [i] = await tx.select({ id: t.initiatives.id }).from(t.initiatives).where(and(eq(t.initiatives.planId, ref.planId), eq(t.initiatives.key, fields.initiativeKey)));
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
      return { summary: `KPI「${fields.name}」を追加`, entries: [{ entity: 'kpi', entityKey: newKey, action: 'insert', before: null, after: fields }], value: newKey };
    }
    const k = all.find((x) => x.key === key);
    if (!k) throw new WorkspaceError('その KPI はありません', 404);
    if (expectedVersion !== null && k.version !== expectedVersion) throw new WorkspaceError('ほかの人が先にこの KPI を変更しました。画面を読み込み直し、内容を確かめてから変更してください', 409);
    if (JSON.stringify(kpiRecord(k)) === JSON.stringify(kpiRecord(fields))) return { summary: '', entries: [], value: key, unchanged: true };
    await tx.update(t.kpis).set({ ...fields, version: k.version + 1, updatedAt: new Date() }).where(eq(t.kpis.id, k.id));
    return { summary: `KPI「${k.name}」を変更`, entries: [{ entity: 'kpi', entityKey: key, action: 'update', before: kpiRecord(k), after: fields }], value: key };
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

// ---- departments (per organization) ----------------------------------------------------------------------

export interface DepartmentUse {
  name: string;
  aliases: string[];
  /** Initiative-years, in every edition, that list the department. */
  initiatives: number;
  editors: number;
}

export async function listDepartmentUse(db: DbOrTx, actor: Actor): Promise<DepartmentUse[]> {
  allow(actor, 'manage');
  const rows = await loadDepartments(db, actor.organizationId);
  const counts = await db
    .select({
      name: t.departments.name,
      initiatives: sql<number>`(select count(*)::int from initiative_departments d where d.department_id = ${t.departments.id})`,
      editors: sql<number>`(select count(*)::int from user_departments u where u.department_id = ${t.departments.id})`,
    })
    .from(t.departments)
    .where(eq(t.departments.organizationId, actor.organizationId));
  const by = new Map(counts.map((c) => [c.name, c]));
  return rows.map((d) => ({ ...d, initiatives: by.get(d.name)?.initiatives ?? 0, editors: by.get(d.name)?.editors ?? 0 }));
}

async function departmentNamed(tx: DbOrTx, organizationId: number, name: string) {
  const [d] = await tx.select().from(t.departments).where(and(eq(t.departments.organizationId, organizationId), eq(t.departments.name, name)));
  if (!d) throw new WorkspaceError(`担当課所「${name}」がありません`, 404);
  return d;
}

/** Refuses a name that is already a department or another department's alias. */
async function assertFree(tx: DbOrTx, organizationId: number, name: string, exceptDepartmentId?: number) {
  const [d] = await tx.select().from(t.departments).where(and(eq(t.departments.organizationId, organizationId), eq(t.departments.name, name)));
  if (d) throw new WorkspaceError(`「${name}」は既に担当課所として登録されています（同じ課所をまとめるには「統合」を使います）`, 409);
  const [a] = await tx
    .select({ departmentId: t.departmentAliases.departmentId, of: t.departments.name })
    .from(t.departmentAliases)
    .innerJoin(t.departments, eq(t.departments.id, t.departmentAliases.departmentId))
    .where(and(eq(t.departmentAliases.organizationId, organizationId), eq(t.departmentAliases.alias, name)));
  if (a && a.departmentId !== exceptDepartmentId) throw new WorkspaceError(`「${name}」は「${a.of}」の別表記として登録されています`, 409);
}

export function addDepartment(db: Db, actor: Actor, name: string): Promise<void> {
  return organizationWrite(db, actor, 'departments:add', async (tx) => {
    await assertFree(tx, actor.organizationId, name);
    await tx.insert(t.departments).values({ organizationId: actor.organizationId, name });
    return { summary: `担当課所「${name}」を追加`, entries: [{ entity: 'department', entityKey: name, action: 'insert', before: null, after: { name } }], value: undefined };
  });
}

/**
 * Corrects how a department is written, everywhere it appears (published editions too). The old
 * spelling becomes an alias, so files that still use it keep importing.
 */
export function renameDepartment(db: Db, actor: Actor, from: string, to: string): Promise<void> {
  return organizationWrite(db, actor, 'departments:rename', async (tx) => {
    const d = await departmentNamed(tx, actor.organizationId, from);
    if (from === to) throw new WorkspaceError('新しい表記が今と同じです');
    await assertFree(tx, actor.organizationId, to, d.id);
    await tx.delete(t.departmentAliases).where(and(eq(t.departmentAliases.organizationId, actor.organizationId), eq(t.departmentAliases.alias, to)));
    await tx.update(t.departments).set({ name: to, version: d.version + 1, updatedAt: new Date() }).where(eq(t.departments.id, d.id));
    await tx.insert(t.departmentAliases).values({ organizationId: actor.organizationId, departmentId: d.id, alias: from });
    return { summary: `担当課所「${from}」を「${to}」に改称`, entries: [{ entity: 'department', entityKey: to, action: 'update', before: { name: from }, after: { name: to, alias: from } }], value: undefined };
  });
}

export function addDepartmentAlias(db: Db, actor: Actor, name: string, alias: string): Promise<void> {
  return organizationWrite(db, actor, 'departments:alias', async (tx) => {
    const d = await departmentNamed(tx, actor.organizationId, name);
    await assertFree(tx, actor.organizationId, alias);
    await tx.insert(t.departmentAliases).values({ organizationId: actor.organizationId, departmentId: d.id, alias });
    return { summary: `「${alias}」を「${name}」の別表記に登録`, entries: [{ entity: 'department', entityKey: name, action: 'update', before: null, after: { alias } }], value: undefined };
  });
}

export function removeDepartmentAlias(db: Db, actor: Actor, alias: string): Promise<void> {
  return organizationWrite(db, actor, 'departments:alias-remove', async (tx) => {
    const gone = await tx
      .delete(t.departmentAliases)
      .where(and(eq(t.departmentAliases.organizationId, actor.organizationId), eq(t.departmentAliases.alias, alias)))
      .returning({ departmentId: t.departmentAliases.departmentId });
    if (!gone.length) throw new WorkspaceError(`別表記「${alias}」は登録されていません`, 404);
    const [d] = await tx.select({ name: t.departments.name }).from(t.departments).where(eq(t.departments.id, gone[0]!.departmentId));
    return { summary: `別表記「${alias}」を削除`, entries: [{ entity: 'department', entityKey: d!.name, action: 'update', before: { alias }, after: null }], value: undefined };
  });
}

/** Only a department no initiative (in any edition) and no editor refers to can be deleted. */
export function deleteDepartment(db: Db, actor: Actor, name: string): Promise<void> {
  return organizationWrite(db, actor, 'departments:delete', async (tx) => {
    const d = await departmentNamed(tx, actor.organizationId, name);
    const [use] = await tx
      .select({
        initiatives: sql<number>`(select count(*)::int from initiative_departments x where x.department_id = ${d.id})`,
        editors: sql<number>`(select count(*)::int from user_departments u where u.department_id = ${d.id})`,
      })
      .from(t.departments)
      .where(eq(t.departments.id, d.id));
    if (use!.initiatives > 0) throw new WorkspaceError(`「${name}」は施策 ${use!.initiatives} 件（過去の版を含む）の担当課所です。別の課所に統合してください`, 409);
    if (use!.editors > 0) throw new WorkspaceError(`「${name}」を担当する編集者が ${use!.editors} 人います。先にアカウントの担当を変えてください`, 409);
    const aliases = (await tx.select({ alias: t.departmentAliases.alias }).from(t.departmentAliases).where(eq(t.departmentAliases.departmentId, d.id))).map((a) => a.alias);
    await tx.delete(t.departments).where(eq(t.departments.id, d.id));
    return { summary: `担当課所「${name}」を削除`, entries: [{ entity: 'department', entityKey: name, action: 'delete', before: { name, aliases }, after: null }], value: undefined };
  });
}
