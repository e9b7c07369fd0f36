// The department master of an organization: names (and their aliases) resolved to ids on import,
// merging one department into another, and the admin's commands on the master (add, rename, alias,
// delete, the department it is part of: 部 → 課 → 係). Departments belong to the organization, not to an edition, so they have a module of their own.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from './client.ts';
import * as t from './schema.ts';
import { signalChange } from './change-signal.ts';
import { can, type Actor } from '../domain/roles.ts';
import { InvalidInputError } from './errors.ts';
import { recordChangeSet } from './audit.ts';
import { loadDepartments } from './edition-read.ts';
import { allow, organizationWrite, WorkspaceError } from './command.ts';
import type { Department } from '../domain/model.ts';
import { ancestors, parentProblem, treeOrder, type DepartmentNode } from '../domain/department-tree.ts';

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

// ---- Merging ---------------------------------------------------------------------------------------

export interface MergeResult {
  moved: number;
  aliases: string[];
}

/**
 * Merges one department into another: its initiatives move over, and its name (with its own aliases)
 * becomes an alias, so a later import that still says the old name lands on the right department.
 */
export async function mergeDepartments(db: Db, orgCode: string, from: string, into: string, actor: Actor): Promise<MergeResult> {
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
    // The departments inside the old one move under the one it is merged into, which must not be inside it.
    const tree = await departmentNodes(tx, org.id);
    if (ancestors(tree, into).includes(from))
      throw new InvalidInputError(
        `「${into}」は「${from}」の下にあるため統合できません。先に「${into}」の上位の課所を付け替えてください / ${into} is inside ${from}`,
      );
    await tx.update(t.departments).set({ parentId: dst.id, updatedAt: new Date() }).where(eq(t.departments.parentId, src.id));

    const links = await tx.select().from(t.initiativeDepartments).where(eq(t.initiativeDepartments.departmentId, src.id));
    const already = new Set(
      (
        await tx.select({ iy: t.initiativeDepartments.initiativeYearId }).from(t.initiativeDepartments).where(eq(t.initiativeDepartments.departmentId, dst.id))
      ).map((r) => r.iy),
    );
    for (const l of links) {
      if (already.has(l.initiativeYearId)) {
        await tx
          .delete(t.initiativeDepartments)
          .where(and(eq(t.initiativeDepartments.initiativeYearId, l.initiativeYearId), eq(t.initiativeDepartments.departmentId, src.id)));
      } else {
        await tx
          .update(t.initiativeDepartments)
          .set({ departmentId: dst.id })
          .where(and(eq(t.initiativeDepartments.initiativeYearId, l.initiativeYearId), eq(t.initiativeDepartments.departmentId, src.id)));
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
    const aliases = (await tx.select({ alias: t.departmentAliases.alias }).from(t.departmentAliases).where(eq(t.departmentAliases.departmentId, dst.id))).map(
      (a) => a.alias,
    );
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

// ---- The master (admin commands) ---------------------------------------------------------------------

export interface DepartmentUse {
  name: string;
  aliases: string[];
  /** The department this one is part of, and how deep it sits (0 at the top). */
  parent: string | null;
  depth: number;
  /** Initiative-years, in every edition, that list the department. */
  initiatives: number;
  editors: number;
}

/** Each department's name and its parent's, in the order they were added. */
async function departmentNodes(db: DbOrTx, organizationId: number): Promise<DepartmentNode[]> {
  const rows = await db
    .select({ id: t.departments.id, name: t.departments.name, parentId: t.departments.parentId })
    .from(t.departments)
    .where(eq(t.departments.organizationId, organizationId))
    .orderBy(asc(t.departments.id));
  const nameOf = new Map(rows.map((r) => [r.id, r.name]));
  return rows.map((r) => ({ name: r.name, parent: r.parentId === null ? null : (nameOf.get(r.parentId) ?? null) }));
}

/** The department master as a tree: each department followed by the ones inside it, with its depth and aliases. */
export async function departmentTree(db: DbOrTx, organizationId: number): Promise<(Department & DepartmentNode & { depth: number })[]> {
  const aliases = new Map((await loadDepartments(db, organizationId)).map((d) => [d.name, d.aliases]));
  return treeOrder((await departmentNodes(db, organizationId)).map((d) => ({ ...d, aliases: aliases.get(d.name) ?? [] })));
}

/** The master in tree order, with how many initiatives (in every edition) and editors use each department. */
export async function listDepartmentUse(db: DbOrTx, actor: Actor): Promise<DepartmentUse[]> {
  allow(actor, 'manage');
  const rows = await departmentTree(db, actor.organizationId);
  const counts = await db
    .select({
      name: t.departments.name,
      initiatives: sql<number>`(select count(*)::int from initiative_departments d where d.department_id = ${t.departments.id})`,
      editors: sql<number>`(select count(*)::int from user_departments u where u.department_id = ${t.departments.id})`,
    })
    .from(t.departments)
    .where(eq(t.departments.organizationId, actor.organizationId));
  const by = new Map(counts.map((c) => [c.name, c]));
  return rows.map((d) => ({
    name: d.name,
    aliases: d.aliases,
    parent: d.parent,
    depth: d.depth,
    initiatives: by.get(d.name)?.initiatives ?? 0,
    editors: by.get(d.name)?.editors ?? 0,
  }));
}

async function departmentNamed(tx: DbOrTx, organizationId: number, name: string) {
  const [d] = await tx
    .select()
    .from(t.departments)
    .where(and(eq(t.departments.organizationId, organizationId), eq(t.departments.name, name)));
  if (!d) throw new WorkspaceError(`担当課所「${name}」がありません`, 404);
  return d;
}

/** Refuses a name that is already a department or another department's alias. */
async function assertFree(tx: DbOrTx, organizationId: number, name: string, exceptDepartmentId?: number) {
  const [d] = await tx
    .select()
    .from(t.departments)
    .where(and(eq(t.departments.organizationId, organizationId), eq(t.departments.name, name)));
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
    return {
      summary: `担当課所「${name}」を追加`,
      entries: [{ entity: 'department', entityKey: name, action: 'insert', before: null, after: { name } }],
      value: undefined,
    };
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
    await tx
      .update(t.departments)
      .set({ name: to, version: d.version + 1, updatedAt: new Date() })
      .where(eq(t.departments.id, d.id));
    await tx.insert(t.departmentAliases).values({ organizationId: actor.organizationId, departmentId: d.id, alias: from });
    return {
      summary: `担当課所「${from}」を「${to}」に改称`,
      entries: [{ entity: 'department', entityKey: to, action: 'update', before: { name: from }, after: { name: to, alias: from } }],
      value: undefined,
    };
  });
}

export function addDepartmentAlias(db: Db, actor: Actor, name: string, alias: string): Promise<void> {
  return organizationWrite(db, actor, 'departments:alias', async (tx) => {
    const d = await departmentNamed(tx, actor.organizationId, name);
    await assertFree(tx, actor.organizationId, alias);
    await tx.insert(t.departmentAliases).values({ organizationId: actor.organizationId, departmentId: d.id, alias });
    return {
      summary: `「${alias}」を「${name}」の別表記に登録`,
      entries: [{ entity: 'department', entityKey: name, action: 'update', before: null, after: { alias } }],
      value: undefined,
    };
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
    return {
      summary: `別表記「${alias}」を削除`,
      entries: [{ entity: 'department', entityKey: d!.name, action: 'update', before: { alias }, after: null }],
      value: undefined,
    };
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
    if (use!.initiatives > 0)
      throw new WorkspaceError(`「${name}」は施策 ${use!.initiatives} 件（過去の版を含む）の担当課所です。別の課所に統合してください`, 409);
    if (use!.editors > 0) throw new WorkspaceError(`「${name}」を担当する編集者が ${use!.editors} 人います。先にアカウントの担当を変えてください`, 409);
    const inside = (await departmentNodes(tx, actor.organizationId)).filter((x) => x.parent === name).map((x) => x.name);
    if (inside.length) throw new WorkspaceError(`「${name}」の下に ${inside.join('、')} があります。先にそれらの上位の課所を付け替えてください`, 409);
    const aliases = (await tx.select({ alias: t.departmentAliases.alias }).from(t.departmentAliases).where(eq(t.departmentAliases.departmentId, d.id))).map(
      (a) => a.alias,
    );
    await tx.delete(t.departments).where(eq(t.departments.id, d.id));
    return {
      summary: `担当課所「${name}」を削除`,
      entries: [{ entity: 'department', entityKey: name, action: 'delete', before: { name, aliases }, after: null }],
      value: undefined,
    };
  });
}

/**
 * Puts a department inside another (部 → 課 → 係), or at the top with `parent` null. Refused when it
 * would put a department inside itself or inside one of the departments inside it.
 */
export function setDepartmentParent(db: Db, actor: Actor, name: string, parent: string | null): Promise<void> {
  return organizationWrite(db, actor, 'departments:parent', async (tx) => {
    const d = await departmentNamed(tx, actor.organizationId, name);
    const p = parent === null ? null : await departmentNamed(tx, actor.organizationId, parent);
    const tree = await departmentNodes(tx, actor.organizationId);
    const before = tree.find((x) => x.name === name)!.parent;
    if (before === parent) return { summary: '', entries: [], value: undefined, unchanged: true };
    const problem = parentProblem(tree, name, parent);
    if (problem) throw new WorkspaceError(problem, 409);
    await tx
      .update(t.departments)
      .set({ parentId: p?.id ?? null, version: d.version + 1, updatedAt: new Date() })
      .where(eq(t.departments.id, d.id));
    return {
      summary: parent === null ? `担当課所「${name}」を最上位に` : `担当課所「${name}」を「${parent}」の下に`,
      entries: [{ entity: 'department', entityKey: name, action: 'update', before: { parent: before }, after: { parent } }],
      value: undefined,
    };
  });
}
