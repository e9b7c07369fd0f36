// Applies a spreadsheet preview to the edition in place, through the command layer (runWrite): one
// transaction, one change set. The preview is the contract: its `next` is written as it stands, initiative
// by initiative where it differs from what is stored, with the groups, departments and (for a year that has
// none) the edition it creates, and nothing else; if the stored edition is no longer the one the preview
// was made from, nothing is applied. Rows keep their identity (initiative-years are updated, not
// recreated), so submissions and history that point at them stay attached. Each changed initiative and
// KPI gets one audit row with its whole state before and after, so any change can be read back and undone.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.ts';
import * as t from './schema.ts';
import { bumpEdition, type AuditEntry } from './audit.ts';
import { editionStamp, findEdition, loadEditionById } from './edition-read.ts';
import { resolveDepartments } from './departments.ts';
import { setKpiActual } from './repository.ts';
import { InvalidInputError } from './errors.ts';
import { loadEmptyEdition, newEditionStamp, planOfYear } from './import-target.ts';
import type { EditionData, Initiative, Kpi } from '../domain/model.ts';
import type { Preview } from '../domain/changes.ts';
import { createdLines, createsAnything, editionDigest, isEmptyPreview } from '../domain/changes.ts';
import { allow, runWrite, WorkspaceError } from './command.ts';
import { shapeColumns } from '../domain/shape.ts';
import type { Actor } from '../domain/roles.ts';

export class StalePreviewError extends Error {
  constructor() {
    super('プレビューの後にこの版が更新されました。もう一度プレビューしてから適用してください / the edition changed after the preview; preview again');
    this.name = 'StalePreviewError';
  }
}

export interface ApplyResult {
  changeSetId: number | null;
  changed: number;
  /** Initiatives of an open round that were submitted or approved and, changed by the file, need review again. */
  reopened: string[];
}

export function initiativeSnapshot(i: Initiative, fiscalYear: number) {
  return { fiscalYear, ...i };
}

/** The stored edition a preview is applied to (locked, checked against the preview), or the plan a new edition is created in. */
interface Target {
  organizationId: number;
  planId: number;
  /** Null while the edition is still to be created. */
  editionId: number | null;
  current: EditionData;
}

/**
 * Opens what the preview is applied to, inside the write's transaction: the edition's row locked (or, for
 * an edition the file creates, the plan's row, so two files creating the same year take turns), its
 * state read under the lock, and the preview checked against it.
 */
async function openTarget(tx: Tx, actor: Actor, orgCode: string, fiscalYear: number, preview: Preview, expectedStamp?: string): Promise<Target> {
  const ref = await findEdition(tx, orgCode, fiscalYear);
  if (preview.created.edition !== null) {
    // Another person created the year's edition since the preview: this file was previewed against nothing.
    if (ref) throw new StalePreviewError();
    const at = await planOfYear(tx, orgCode, fiscalYear);
    if (!at) throw new InvalidInputError(`${orgCode} には ${fiscalYear} 年度を計画期間に含む計画がありません / no plan of ${orgCode} covers ${fiscalYear}`);
    if (at.organizationId !== actor.organizationId) throw new WorkspaceError('この操作をする権限がありません', 403);
    await tx.select({ id: t.plans.id }).from(t.plans).where(eq(t.plans.id, at.planId)).for('update');
    if (expectedStamp && (await newEditionStamp(tx, at)) !== expectedStamp) throw new StalePreviewError();
    const current = await loadEmptyEdition(tx, at, fiscalYear);
    if (editionDigest(current) !== preview.base) throw new StalePreviewError();
    return { organizationId: at.organizationId, planId: at.planId, editionId: null, current };
  }
  if (!ref) throw new InvalidInputError(`${orgCode} の ${fiscalYear} 年度版はありません / no such edition`);
  if (ref.organizationId !== actor.organizationId) throw new WorkspaceError('この操作をする権限がありません', 403);
  const [edition] = await tx.select({ state: t.editions.state }).from(t.editions).where(eq(t.editions.id, ref.editionId)).for('update');
  if (edition!.state === 'published') {
    throw new InvalidInputError(
      `${fiscalYear}年度版は公開済みです。管理者が理由を記録して再開してから取り込んでください / the edition is published; reopen it first`,
    );
  }
  if (expectedStamp && (await editionStamp(tx, orgCode, fiscalYear)) !== expectedStamp) throw new StalePreviewError();
  const current = await loadEditionById(tx, ref);
  if (editionDigest(current) !== preview.base) throw new StalePreviewError();
  return { organizationId: ref.organizationId, planId: ref.planId, editionId: ref.editionId, current };
}

/** The id of the change set this transaction just recorded: the session's own last value of its sequence, whatever other sessions insert. */
async function recordedChangeSetId(tx: Tx): Promise<number> {
  const r = (await tx.execute(sql`SELECT currval(pg_get_serial_sequence('change_sets', 'id')) AS id`)) as unknown as { rows: { id: string | number }[] };
  return Number(r.rows[0]!.id);
}

export async function applyPreview(
  db: Db,
  orgCode: string,
  fiscalYear: number,
  preview: Preview,
  opts: {
    /** Who applies it: an administrator of the edition's organization (the CLI acts as systemActor). */
    actor: Actor;
    source: string;
    expectedStamp?: string;
    /** Unknown department names of the file to register as aliases of existing departments (name → department). */
    aliases?: Record<string, string>;
    /** The person confirmed what the preview lists as 「新しく作成されるもの」 (the edition, groups, departments). */
    create?: boolean;
  },
): Promise<ApplyResult> {
  allow(opts.actor, 'manage');
  if (preview.errors.length) throw new InvalidInputError(`エラーが ${preview.errors.length} 件あるため適用しません / the file has errors; nothing applied`);
  if (isEmptyPreview(preview)) return { changeSetId: null, changed: 0, reopened: [] };
  if (createsAnything(preview) && !opts.create) {
    throw new InvalidInputError(
      `このファイルを適用すると次のものが新しく作成されます。作成してよいか確かめてから適用してください: ${createdLines(preview).join('、')} / the file creates new records; confirm their creation first`,
    );
  }
  let changeSetId: number | null = null;
  let editionId = 0;
  const done = await runWrite(
    db,
    opts.actor,
    opts.source,
    async (tx) => {
      const target = await openTarget(tx, opts.actor, orgCode, fiscalYear, preview, opts.expectedStamp);
      return {
        at: target,
        organizationId: target.organizationId,
        bump: async (tx) => {
          changeSetId = await recordedChangeSetId(tx);
          await bumpEdition(tx, editionId);
        },
      };
    },
    async (tx, target) => {
      const entries: AuditEntry[] = [];
      if (target.editionId === null) {
        const e = preview.next.edition;
        const [row] = await tx
          .insert(t.editions)
          .values({ planId: target.planId, fiscalYear, title: e.title, tagline: e.tagline, lead: e.lead, source: e.source, state: 'draft' })
          .returning({ id: t.editions.id });
        editionId = row!.id;
        entries.push({
          entity: 'edition',
          entityKey: `${orgCode}/${fiscalYear}`,
          action: 'insert',
          before: null,
          after: { fiscalYear, title: e.title, state: 'draft' },
        });
      } else editionId = target.editionId;
      entries.push(...(await writeGroups(tx, editionId, fiscalYear, target.current, preview.next)));
      const written = await writeEdition(tx, target, editionId, fiscalYear, preview, opts.aliases ?? {});
      entries.push(...written.entries);
      return {
        summary: `変更 ${preview.changes.length} 件、追加 ${preview.added.initiatives.length + preview.added.results.length} 件、削除 ${preview.removed.initiatives.length + preview.removed.results.length} 件${createsAnything(preview) ? `、新規作成 ${createdLines(preview).length} 件` : ''}`,
        entries,
        value: { changed: preview.changes.length, reopened: written.reopened },
      };
    },
  );
  return { changeSetId, ...done };
}

/** Pillars and sub-areas the preview adds, at the places it gives them; the preview never removes or renames one. */
async function writeGroups(tx: Tx, editionId: number, fiscalYear: number, current: EditionData, next: EditionData): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  const stored = await tx.select().from(t.pillars).where(eq(t.pillars.editionId, editionId));
  const storedSubs = stored.length
    ? await tx
        .select()
        .from(t.subAreas)
        .where(
          inArray(
            t.subAreas.pillarId,
            stored.map((p) => p.id),
          ),
        )
    : [];
  for (const [position, p] of next.pillars.entries()) {
    let id = stored.find((s) => s.key === p.key)?.id;
    if (id === undefined) {
      const [row] = await tx.insert(t.pillars).values({ editionId, key: p.key, name: p.name, tagline: p.tagline, position }).returning({ id: t.pillars.id });
      id = row!.id;
      entries.push({ entity: 'pillar', entityKey: p.key, action: 'insert', before: null, after: { fiscalYear, name: p.name, tagline: p.tagline } });
    }
    const had = current.pillars.find((x) => x.key === p.key)?.subAreas ?? [];
    // A sub-area inside another (a plan of three or four levels) names its parent by key: parents come
    // first in the list, so the parent's row exists by the time its child is inserted.
    const subId = new Map(storedSubs.filter((x) => x.pillarId === id).map((x) => [x.key, x.id]));
    for (const [k, s] of p.subAreas.entries()) {
      if (had.some((x) => x.key === s.key) || subId.has(s.key)) continue;
      const parentId = s.parentKey ? (subId.get(s.parentKey) ?? null) : null;
      const [row] = await tx.insert(t.subAreas).values({ pillarId: id, key: s.key, name: s.name, parentId, position: k }).returning({ id: t.subAreas.id });
      subId.set(s.key, row!.id);
      entries.push({
        entity: 'sub-area',
        entityKey: s.key,
        action: 'insert',
        before: null,
        after: { fiscalYear, pillarKey: p.key, name: s.name, ...(s.parentKey ? { parentKey: s.parentKey } : {}) },
      });
    }
  }
  return entries;
}

/** The preview's initiatives, departments and KPIs written into the edition (which exists by now), and the round following the file. */
async function writeEdition(
  tx: Tx,
  target: Target,
  editionId: number,
  fiscalYear: number,
  preview: Preview,
  aliases: Record<string, string>,
): Promise<{ entries: AuditEntry[]; reopened: string[] }> {
  const { current } = target;
  const next = preview.next;
  const existing = await tx
    .select({ id: t.initiativeYears.id, key: t.initiatives.key, position: t.initiativeYears.position })
    .from(t.initiativeYears)
    .innerJoin(t.initiatives, eq(t.initiatives.id, t.initiativeYears.initiativeId))
    .where(eq(t.initiativeYears.editionId, editionId));
  const yearIdByKey = new Map(existing.map((r) => [r.key, r.id]));
  const positionByKey = new Map(existing.map((r) => [r.key, r.position]));
  const pillars = await tx.select().from(t.pillars).where(eq(t.pillars.editionId, editionId));
  const subAreas = pillars.length
    ? await tx
        .select()
        .from(t.subAreas)
        .where(
          inArray(
            t.subAreas.pillarId,
            pillars.map((p) => p.id),
          ),
        )
    : [];
  const pillarId = new Map(pillars.map((p) => [p.key, p.id]));
  const subAreaId = new Map(subAreas.map((s) => [s.key, s.id]));
  const departmentEntries = [
    ...(await registerAliases(tx, target.organizationId, preview, aliases)),
    ...(await createDepartments(tx, target.organizationId, preview.created.departments)),
  ];
  if (departmentEntries.length)
    await tx
      .update(t.organizations)
      .set({ version: sql`${t.organizations.version} + 1`, updatedAt: new Date() })
      .where(eq(t.organizations.id, target.organizationId));
  const departmentIds = await resolveDepartments(
    tx,
    target.organizationId,
    next.initiatives.flatMap((i) => i.departments),
  );
  const [round] = await tx.select().from(t.updateRounds).where(eq(t.updateRounds.editionId, editionId));

  const before = new Map(current.initiatives.map((i) => [i.key, i]));
  const entries: AuditEntry[] = [];
  const changedYearIds: number[] = [];
  const addedYearIds: number[] = [];
  for (const [position, i] of next.initiatives.entries()) {
    const id = yearIdByKey.get(i.key);
    const old = before.get(i.key);
    const same = old !== undefined && JSON.stringify(old) === JSON.stringify(i);
    if (same && positionByKey.get(i.key) === position) continue;
    // Positions of all rows follow print order; only a change of content is an audited change.
    if (same && id !== undefined) {
      await tx.update(t.initiativeYears).set({ position }).where(eq(t.initiativeYears.id, id));
      continue;
    }
    const written = await writeInitiative(tx, target.planId, editionId, id, position, i, pillarId, subAreaId, departmentIds);
    (id === undefined ? addedYearIds : changedYearIds).push(written);
    entries.push({
      entity: 'initiative',
      entityKey: i.key,
      action: old ? 'update' : 'insert',
      before: old ? initiativeSnapshot(old, fiscalYear) : null,
      after: initiativeSnapshot(i, fiscalYear),
    });
  }
  const nextKeys = new Set(next.initiatives.map((i) => i.key));
  const removed = current.initiatives.filter((i) => !nextKeys.has(i.key));
  if (removed.length)
    await tx.delete(t.initiativeYears).where(
      inArray(
        t.initiativeYears.id,
        removed.map((i) => yearIdByKey.get(i.key)!),
      ),
    );
  for (const i of removed) entries.push({ entity: 'initiative', entityKey: i.key, action: 'delete', before: initiativeSnapshot(i, fiscalYear), after: null });
  entries.push(...(await writeKpis(tx, target.planId, current.kpis, next.kpis)));

  // The round follows the file: a new initiative is one more to report, a changed one that was
  // submitted or approved needs review again.
  const reopened: string[] = [];
  if (round) {
    if (addedYearIds.length)
      await tx
        .insert(t.submissions)
        .values(addedYearIds.map((initiativeYearId) => ({ roundId: round.id, initiativeYearId })))
        .onConflictDoNothing();
    if (changedYearIds.length) {
      const back = await tx
        .update(t.submissions)
        .set({ state: 'draft', updatedAt: new Date() })
        .where(
          and(
            eq(t.submissions.roundId, round.id),
            inArray(t.submissions.initiativeYearId, changedYearIds),
            inArray(t.submissions.state, ['submitted', 'approved']),
          ),
        )
        .returning({ iy: t.submissions.initiativeYearId });
      const keyById = new Map(existing.map((r) => [r.id, r.key]));
      for (const b of back) {
        const i = next.initiatives.find((x) => x.key === keyById.get(b.iy));
        if (i) reopened.push(`${i.number ?? '新'} ${i.title}`);
      }
      if (back.length) {
        entries.push({ entity: 'round', entityKey: String(fiscalYear), action: 'update', before: null, after: { returnedToDraft: reopened } });
      }
    }
  }
  return { entries: [...entries, ...departmentEntries], reopened };
}

/** The departments the preview creates, in its order (the order the master then lists them in). */
async function createDepartments(tx: Tx, organizationId: number, names: readonly string[]): Promise<AuditEntry[]> {
  if (names.length === 0) return [];
  for (const name of names) await tx.insert(t.departments).values({ organizationId, name });
  return names.map((name) => ({ entity: 'department', entityKey: name, action: 'insert', before: null, after: { name } }));
}

/**
 * Registers the chosen unknown names as aliases before departments are resolved, so the initiatives link
 * to the existing department and no second spelling is created.
 */
async function registerAliases(tx: Tx, organizationId: number, preview: Preview, aliases: Record<string, string>): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (const [alias, into] of Object.entries(aliases)) {
    if (!into) continue;
    if (!preview.unknownDepartments.some((u) => u.name === alias)) throw new InvalidInputError(`「${alias}」はこのファイルの未登録の課所ではありません`);
    const [d] = await tx
      .select({ id: t.departments.id })
      .from(t.departments)
      .where(and(eq(t.departments.organizationId, organizationId), eq(t.departments.name, into)));
    if (!d) throw new InvalidInputError(`担当課所「${into}」がありません`);
    await tx.insert(t.departmentAliases).values({ organizationId, departmentId: d.id, alias });
    entries.push({ entity: 'department', entityKey: into, action: 'update', before: null, after: { alias } });
  }
  return entries;
}

/** Writes the KPIs that differ, exactly: target and every year's actual, a cleared year deleted. */
async function writeKpis(tx: Tx, planId: number, before: Kpi[], after: Kpi[]): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  const old = new Map(before.map((k) => [k.key, k]));
  for (const k of after) {
    const o = old.get(k.key);
    if (!o || JSON.stringify(o) === JSON.stringify(k)) continue;
    const [row] = await tx
      .update(t.kpis)
      .set({ target: k.target, updatedAt: new Date(), version: sql`${t.kpis.version} + 1` })
      .where(and(eq(t.kpis.planId, planId), eq(t.kpis.key, k.key)))
      .returning({ id: t.kpis.id });
    for (const fy of new Set([...Object.keys(o.actuals), ...Object.keys(k.actuals)])) {
      if (o.actuals[fy] !== k.actuals[fy]) await setKpiActual(tx, row!.id, Number(fy), k.actuals[fy] ?? null);
    }
    entries.push({ entity: 'kpi', entityKey: k.key, action: 'update', before: o, after: k });
  }
  if (entries.length)
    await tx
      .update(t.plans)
      .set({ version: sql`${t.plans.version} + 1`, updatedAt: new Date() })
      .where(eq(t.plans.id, planId));
  return entries;
}

async function writeInitiative(
  tx: Tx,
  planId: number,
  editionId: number,
  yearId: number | undefined,
  position: number,
  i: Initiative,
  pillarId: Map<string, number>,
  subAreaId: Map<string, number>,
  departmentIds: Map<string, number>,
): Promise<number> {
  const fields = {
    pillarId: pillarId.get(i.pillarKey)!,
    subAreaId: i.subAreaKey ? (subAreaId.get(i.subAreaKey) ?? null) : null,
    number: i.number,
    title: i.title,
    status: i.status,
    content: i.content,
    plan: i.plan,
    resultsFiscalYear: i.resultsFiscalYear,
    resultsText: i.resultsText,
    ...shapeColumns(i),
    updatedAt: new Date(),
  };
  let id = yearId;
  if (id !== undefined) {
    await tx
      .update(t.initiativeYears)
      .set({ ...fields, position, version: sql`${t.initiativeYears.version} + 1` })
      .where(eq(t.initiativeYears.id, id));
    await tx.delete(t.initiativeDepartments).where(eq(t.initiativeDepartments.initiativeYearId, id));
    await tx.delete(t.results).where(eq(t.results.initiativeYearId, id));
    await tx.delete(t.planTargets).where(eq(t.planTargets.initiativeYearId, id));
  } else {
    const [identity] = await tx.insert(t.initiatives).values({ planId, key: i.key }).onConflictDoNothing().returning({ id: t.initiatives.id });
    const initiativeId =
      identity?.id ??
      (
        await tx
          .select({ id: t.initiatives.id })
          .from(t.initiatives)
          .where(and(eq(t.initiatives.planId, planId), eq(t.initiatives.key, i.key)))
      )[0]!.id;
    const [row] = await tx
      .insert(t.initiativeYears)
      .values({ initiativeId, editionId, position, ...fields })
      .returning({ id: t.initiativeYears.id });
    id = row!.id;
  }
  const seen = new Set<number>();
  const links = i.departments
    .map((d) => departmentIds.get(d)!)
    .filter((d) => !seen.has(d) && seen.add(d))
    .map((departmentId, k) => ({ initiativeYearId: id!, departmentId, position: k }));
  if (links.length) await tx.insert(t.initiativeDepartments).values(links);
  if (i.results.length) await tx.insert(t.results).values(i.results.map((r, k) => ({ initiativeYearId: id!, position: k, ...r })));
  if (i.planTargets.length) await tx.insert(t.planTargets).values(i.planTargets.map((p, k) => ({ initiativeYearId: id!, position: k, ...p })));
  return id;
}
