// Applies a spreadsheet preview to the edition in place, in one transaction, recorded as one change set.
// The preview is the contract: its `next` is written as it stands, initiative by initiative where it
// differs from what is stored, and nothing else; if the stored edition is no longer the one the preview
// was made from, nothing is applied. Rows keep their identity (initiative-years are updated, not
// recreated), so submissions and history that point at them stay attached. Each changed initiative and
// KPI gets one audit row with its whole state before and after, so any change can be read back and undone.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.ts';
import * as t from './schema.ts';
import { bumpEdition, recordChangeSet, type AuditEntry } from './audit.ts';
import { editionStamp, findEdition, loadEditionById } from './edition-read.ts';
import { resolveDepartments } from './departments.ts';
import { setKpiActual } from './repository.ts';
import { InvalidInputError } from './errors.ts';
import type { Initiative, Kpi } from '../domain/model.ts';
import type { Preview } from '../domain/changes.ts';
import { editionDigest, isEmptyPreview } from '../domain/changes.ts';
import { signalChange } from './change-signal.ts';
import { allow, userIdOf, WorkspaceError } from './command.ts';
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
  },
): Promise<ApplyResult> {
  allow(opts.actor, 'manage');
  if (preview.errors.length) throw new InvalidInputError(`エラーが ${preview.errors.length} 件あるため適用しません / the file has errors; nothing applied`);
  if (isEmptyPreview(preview)) return { changeSetId: null, changed: 0, reopened: [] };
  const result = await db.transaction(async (tx) => {
    const ref = await findEdition(tx, orgCode, fiscalYear);
    if (!ref) throw new InvalidInputError(`${orgCode} の ${fiscalYear} 年度版はありません / no such edition`);
    if (ref.organizationId !== opts.actor.organizationId) throw new WorkspaceError('この操作をする権限がありません', 403);
    const [edition] = await tx.select({ state: t.editions.state }).from(t.editions).where(eq(t.editions.id, ref.editionId)).for('update');
    if (edition!.state === 'published') {
      throw new InvalidInputError(
        `${fiscalYear}年度版は公開済みです。管理者が理由を記録して再開してから取り込んでください / the edition is published; reopen it first`,
      );
    }
    if (opts.expectedStamp && (await editionStamp(tx, orgCode, fiscalYear)) !== opts.expectedStamp) throw new StalePreviewError();
    const current = await loadEditionById(tx, ref);
    if (editionDigest(current) !== preview.base) throw new StalePreviewError();
    const next = preview.next;

    const existing = await tx
      .select({ id: t.initiativeYears.id, key: t.initiatives.key, position: t.initiativeYears.position })
      .from(t.initiativeYears)
      .innerJoin(t.initiatives, eq(t.initiatives.id, t.initiativeYears.initiativeId))
      .where(eq(t.initiativeYears.editionId, ref.editionId));
    const yearIdByKey = new Map(existing.map((r) => [r.key, r.id]));
    const positionByKey = new Map(existing.map((r) => [r.key, r.position]));
    const pillars = await tx.select().from(t.pillars).where(eq(t.pillars.editionId, ref.editionId));
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
    const aliasEntries = await registerAliases(tx, ref.organizationId, preview, opts.aliases ?? {});
    const departmentIds = await resolveDepartments(
      tx,
      ref.organizationId,
      next.initiatives.flatMap((i) => i.departments),
    );
    const [round] = await tx.select().from(t.updateRounds).where(eq(t.updateRounds.editionId, ref.editionId));

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
      const written = await writeInitiative(tx, ref.planId, ref.editionId, id, position, i, pillarId, subAreaId, departmentIds);
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
    entries.push(...(await writeKpis(tx, ref.planId, current.kpis, next.kpis)));

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

    const changeSetId = await recordChangeSet(
      tx,
      {
        organizationId: ref.organizationId,
        actor: opts.actor.login,
        userId: userIdOf(opts.actor),
        source: opts.source,
        summary: `変更 ${preview.changes.length} 件、追加 ${preview.added.initiatives.length + preview.added.results.length} 件、削除 ${preview.removed.initiatives.length + preview.removed.results.length} 件`,
      },
      [...entries, ...aliasEntries],
    );
    await bumpEdition(tx, ref.editionId);
    return { changeSetId, changed: preview.changes.length, reopened };
  });
  signalChange();
  return result;
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
  if (entries.length)
    await tx
      .update(t.organizations)
      .set({ version: sql`${t.organizations.version} + 1`, updatedAt: new Date() })
      .where(eq(t.organizations.id, organizationId));
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
